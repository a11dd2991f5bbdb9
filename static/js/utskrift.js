/* The print view of a referral: a «Skriv ut» button (hidden without JavaScript, where the
   browser's own print command does the same). */
(function () {
  "use strict";
  var knapp = document.querySelector("[data-skriv-ut]");
  if (!knapp) {
    return;
  }
  knapp.hidden = false;
  knapp.addEventListener("click", function () {
    window.print();
  });
})();
