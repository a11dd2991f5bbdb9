/*
 * The bydel choice on the search page appears when the patient's kommune is Oslo (the server
 * renders it so without JavaScript: tilbud.sok.side.vis_bydel). Hidden again, it is emptied, so
 * a bydel never travels with another kommune.
 */
(function () {
  "use strict";
  var boks = document.getElementById("bydelvalg");
  var kommune = boks && document.getElementById(boks.getAttribute("data-bydel-for"));
  var valg = document.getElementById("id_bydel");
  if (!boks || !kommune || !valg) {
    return;
  }
  var startVist = !boks.hidden && !kommune.value.trim();
  function erOslo(tekst) {
    var t = tekst.trim().toLowerCase();
    return t === "0301" || t === "oslo" || t.indexOf("oslo ") === 0 || t.indexOf("oslo-") === 0;
  }
  function oppdater() {
    // Shown by the server (a bydel given, or Oslo by postnummer) stays shown until the kommune
    // names another place.
    var vis = erOslo(kommune.value) || (!kommune.value.trim() && (startVist || valg.value !== ""));
    if (boks.hidden === !vis) {
      return;
    }
    boks.hidden = !vis;
    if (!vis && valg.value !== "") {
      valg.value = "";
      valg.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  // The type-ahead sets the value without an input event when a suggestion is picked.
  ["input", "change", "keyup", "click", "focusout"].forEach(function (hendelse) {
    kommune.form.addEventListener(hendelse, function () { window.setTimeout(oppdater, 0); });
  });
  window.addEventListener("popstate", function () { window.setTimeout(oppdater, 0); });
})();
