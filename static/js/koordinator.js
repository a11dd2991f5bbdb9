// Coordinator area: asks before restoring an old version (forms with data-bekreft), and moves
// focus to the error or conflict box so screen readers announce it. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (hendelse) {
    var skjema = hendelse.target;
    var sporsmal = skjema && skjema.getAttribute && skjema.getAttribute("data-bekreft");
    if (sporsmal && !window.confirm(sporsmal)) {
      hendelse.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var boks = document.getElementById("konflikt") || document.getElementById("feilboks");
    if (boks) {
      boks.focus();
    }
  });
})();
