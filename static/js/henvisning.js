/*
 * The referral form with JavaScript: type-ahead for the diagnosis codes over the full ICPC-2 and
 * ICD-10 lists (/api/v1/diagnosekoder/, the same look-up as the search page), with the shared
 * combobox in static/js/combobox.js. The field holds several codes separated by commas: the
 * type-ahead looks up the code being typed (after the last comma) and puts the chosen one in
 * its place. Without JavaScript the field is a plain text field and the server checks the codes.
 */
(function () {
  "use strict";

  if (!window.HelsearbeidCombobox) {
    return;
  }
  var input = document.querySelector("input[data-combobox=diagnosekoder]");
  if (!input || !input.dataset.kilde) {
    return;
  }

  function fyll(mal, verdier) {
    return String(mal || "").replace(/%\((\w+)\)s/g, function (_, navn) {
      return verdier[navn] === undefined ? "" : String(verdier[navn]);
    });
  }

  function kodeverk(r) {
    return r.kodeverk === "ICD10" ? "ICD-10" : "ICPC-2";
  }

  // "L86, F4" → the codes before the last comma ("L86,") and the one being typed (" F4").
  function deler(verdi) {
    var i = verdi.lastIndexOf(",");
    return { foran: i >= 0 ? verdi.slice(0, i + 1) : "", siste: verdi.slice(i + 1) };
  }

  window.HelsearbeidCombobox(input, {
    url: input.dataset.kilde,
    minLengde: 2,
    sporring: function (verdi) {
      return deler(verdi).siste;
    },
    hoved: function (r) {
      return (r.visningskode || r.kode) + " " + r.tittel;
    },
    detalj: function (r) {
      var grupper = (r.malgrupper || []).map(function (m) { return m.navn; }).join(", ");
      return kodeverk(r) + (grupper ? " · " + grupper : "");
    },
    velg: function (r) {
      var foran = deler(input.value).foran;
      input.value = (foran ? foran + " " : "") + (r.visningskode || r.kode) + ", ";
      return fyll(input.dataset.valgtTekst, {
        kode: r.visningskode || r.kode,
        tittel: r.tittel,
        kodeverk: kodeverk(r),
      });
    },
    antallTekst: function (n) {
      return fyll(input.dataset.antallTekst, { antall: n });
    },
  });
})();
