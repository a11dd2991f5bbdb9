/*
 * Søkesiden med JavaScript: resultater mens du skriver, hentet fra siden selv med de samme
 * parameterne som skjemaet sender uten JavaScript, og URL-en holdes i takt (tilbake-knappen virker).
 * Typeahead for kommune og diagnose etter WAI-ARIA «combobox med listbox»-mønsteret.
 *
 * Siden virker fullt ut uten denne fila: skjemaet er et vanlig GET-skjema og serveren tegner
 * resultatene. Med JavaScript hentes de samme resultatene som HTML-fragment fra serveren
 * (templates/tilbud/_resultater.html, headeren X-Sok-Fragment) og settes inn som de er: kortene
 * har bare én mal. Feil kommer som JSON per felt, som fra API-et.
 */
(function () {
  "use strict";

  var skjema = document.getElementById("sokeskjema");
  if (!skjema || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var tekstElement = document.getElementById("sok-tekster");
  var T = tekstElement ? JSON.parse(tekstElement.textContent) : {};
  var SIDE = skjema.getAttribute("action") || window.location.pathname;
  var status = document.getElementById("treff-status");
  var liste = document.getElementById("treffliste");
  var tomt = document.getElementById("tomt");
  var sider = document.getElementById("sider");
  var feilboks = document.getElementById("feilboks");
  var feilliste = document.getElementById("feilliste");

  var VENT_MS = 300;
  // Fields whose errors are shown while the GP is still typing in them: a diagnosis that is
  // not a code or a known word will not become one by more typing, and results for the
  // previous diagnosis must not stay on screen as if they answered it.
  var FEIL_STRAKS = ["diagnose"];
  var resultater = document.getElementById("resultater");
  var sisteSporring = null;
  var pagaende = null;
  var tidtaker = null;

  function fyll(mal, verdier) {
    return String(mal).replace(/%\((\w+)\)s/g, function (_, navn) {
      return verdier[navn] === undefined ? "" : String(verdier[navn]);
    });
  }

  function el(tag, klasse, tekst) {
    var e = document.createElement(tag);
    if (klasse) {
      e.className = klasse;
    }
    if (tekst !== undefined && tekst !== null) {
      e.textContent = tekst;
    }
    return e;
  }

  function navnListe(elementer, tilTekst) {
    return (elementer || []).map(tilTekst).join(", ");
  }

  /* ---------- Parametere og URL ---------- */

  function parametereFraSkjema() {
    var p = new URLSearchParams();
    new FormData(skjema).forEach(function (verdi, navn) {
      var v = String(verdi).trim();
      if (v) {
        p.append(navn, v);
      }
    });
    return p;
  }

  function fyllSkjemaFraUrl() {
    var p = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(skjema.elements, function (felt) {
      if (!felt.name) {
        return;
      }
      felt.value = p.get(felt.name) || "";
    });
  }

  function harSok(p) {
    var har = false;
    p.forEach(function () {
      har = true;
    });
    return har;
  }

  /* ---------- Feil ved felt ---------- */

  function visFeil(feil, visFor) {
    // Clear old messages, then show the new ones next to their fields and in the summary.
    Array.prototype.forEach.call(skjema.querySelectorAll("p.feilmelding"), function (p) {
      p.remove();
    });
    Array.prototype.forEach.call(skjema.querySelectorAll("[aria-invalid]"), function (f) {
      f.removeAttribute("aria-invalid");
      var beskrevet = (f.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && id.indexOf("feil_") !== 0;
        });
      if (beskrevet.length) {
        f.setAttribute("aria-describedby", beskrevet.join(" "));
      } else {
        f.removeAttribute("aria-describedby");
      }
    });
    feilliste.textContent = "";
    var navn = Object.keys(feil || {}).filter(visFor);
    navn.forEach(function (felt) {
      var meldinger = Array.isArray(feil[felt]) ? feil[felt] : [String(feil[felt])];
      meldinger.forEach(function (m) {
        var li = el("li");
        var a = el("a", null, m);
        a.href = "#id_" + felt;
        li.appendChild(a);
        feilliste.appendChild(li);
      });
      var input = document.getElementById("id_" + felt);
      if (input) {
        var p = el("p", "feilmelding", meldinger[0]);
        p.id = "feil_" + felt;
        var boks = input.closest(".felt");
        boks.appendChild(p);
        input.setAttribute("aria-invalid", "true");
        var beskrevet = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", p.id + (beskrevet ? " " + beskrevet : ""));
      }
    });
    feilboks.hidden = navn.length === 0;
  }

  /* ---------- Resultater ---------- */

  /*
   * The server's results fragment (the same template as the page's), moved into the page.
   * The live region stays the same element, so its new text is announced.
   */
  function visFragment(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    ["rangering-merknad", "tomt", "sortering-merknad", "treffliste", "sider"].forEach(function (id) {
      var ny = doc.getElementById(id);
      var her = document.getElementById(id);
      if (!ny || !her) {
        return;
      }
      her.textContent = "";
      Array.prototype.slice.call(ny.childNodes).forEach(function (node) {
        her.appendChild(document.importNode(node, true));
      });
      her.hidden = ny.hidden;
    });
    // The status (count, and the typo correction when there is one) is one live region.
    var nyStatus = doc.getElementById("treff-status");
    status.textContent = "";
    if (nyStatus) {
      Array.prototype.slice.call(nyStatus.childNodes).forEach(function (node) {
        status.appendChild(document.importNode(node, true));
      });
    }
    var antall = document.getElementById("treff-antall");
    document.title = (antall ? antall.textContent : "") + " – " + skjema.dataset.tittel;
  }

  function tomResultat(melding) {
    liste.textContent = "";
    status.textContent = melding || "";
    tomt.hidden = true;
    sider.hidden = true;
    var merknad = document.getElementById("rangering-merknad");
    if (merknad) {
      merknad.hidden = true;
    }
    markerUtdatert(false);
  }

  /* Results that no longer answer what is in the form (an error the GP is still typing). */
  function markerUtdatert(utdatert) {
    if (!resultater) {
      return;
    }
    resultater.classList.toggle("utdatert", utdatert);
    if (utdatert) {
      status.textContent = T.utdatert;
    }
  }

  /*
   * Fetch and show results. `historikk` is "push" for a deliberate search (submit, a picked
   * suggestion, a changed select), "replace" while typing, and null when the URL already holds
   * the query (back/forward). While the GP is still typing in a field, its errors are not shown
   * (half a kommune name is not a mistake yet); the previous results stay.
   */
  function sok(historikk, skrivesI) {
    var p = parametereFraSkjema();
    var sporring = p.toString();
    if (historikk) {
      var url = window.location.pathname + (sporring ? "?" + sporring : "");
      if (historikk === "push" && sporring !== new URLSearchParams(window.location.search).toString()) {
        window.history.pushState(null, "", url);
      } else {
        window.history.replaceState(null, "", url);
      }
    }
    if (!harSok(p)) {
      sisteSporring = sporring;
      visFeil({}, function () { return false; });
      tomResultat();
      return;
    }
    if (sporring === sisteSporring && !skrivesI) {
      return;
    }
    sisteSporring = sporring;
    if (pagaende) {
      pagaende.abort();
    }
    var kontroll = window.AbortController ? new AbortController() : null;
    pagaende = kontroll;
    skjema.setAttribute("aria-busy", "true");
    fetch(SIDE + "?" + sporring, {
      headers: { "X-Sok-Fragment": "1" },
      signal: kontroll ? kontroll.signal : undefined,
    })
      .then(function (svar) {
        var innhold = svar.status === 400 ? svar.json() : svar.text();
        return innhold.then(function (data) {
          return { ok: svar.ok, status: svar.status, data: data };
        });
      })
      .then(function (r) {
        if (pagaende !== kontroll) {
          return;
        }
        skjema.removeAttribute("aria-busy");
        if (r.ok) {
          visFeil({}, function () { return false; });
          markerUtdatert(false);
          visFragment(r.data);
        } else if (r.status === 400) {
          var vis = function (felt) {
            return felt !== skrivesI || FEIL_STRAKS.indexOf(felt) !== -1;
          };
          visFeil(r.data, vis);
          if (Object.keys(r.data || {}).some(vis)) {
            // The errors are on show: no results of an earlier query beside them.
            tomResultat(T.ugyldig);
          } else {
            // Only the field being typed in is wrong so far: keep the results, marked.
            markerUtdatert(true);
          }
          // A later correct value must fetch again even if the query string comes back.
          sisteSporring = null;
        } else {
          throw new Error("HTTP " + r.status);
        }
      })
      .catch(function (feil) {
        if (feil && feil.name === "AbortError") {
          return;
        }
        skjema.removeAttribute("aria-busy");
        status.textContent = T.nettfeil;
        sisteSporring = null;
      });
  }

  function planlegg(historikk, skrivesI) {
    window.clearTimeout(tidtaker);
    tidtaker = window.setTimeout(function () {
      sok(historikk, skrivesI);
    }, VENT_MS);
  }

  skjema.addEventListener("submit", function (e) {
    e.preventDefault();
    window.clearTimeout(tidtaker);
    lukkAlle();
    sisteSporring = null;
    sok("push", null);
  });

  skjema.addEventListener("input", function (e) {
    var felt = e.target;
    // Selects are handled by "change"; a type-ahead decides itself when its text is complete.
    if (felt.tagName === "SELECT" || felt.hasAttribute("data-combobox")) {
      return;
    }
    planlegg("replace", felt.name);
  });

  skjema.addEventListener("change", function (e) {
    if (e.target.tagName === "SELECT") {
      window.clearTimeout(tidtaker);
      sok("push", null);
    }
  });

  window.addEventListener("popstate", function () {
    fyllSkjemaFraUrl();
    Array.prototype.forEach.call(skjema.querySelectorAll(".valgt-hint"), function (h) {
      h.textContent = "";
    });
    sisteSporring = null;
    sok(null, null);
  });

  /* ---------- Typeahead (WAI-ARIA combobox) ---------- */

  var STEDSFELT = ["kommune", "postnummer", "fylke", "rhf"];

  function harSted() {
    return STEDSFELT.some(function (navn) {
      var felt = skjema.elements[navn];
      return felt && felt.value.trim();
    });
  }

  var KILDER = {
    kommuner: {
      url: skjema.dataset.kommuner,
      minLengde: 1,
      // Kommune names are not unique (Herøy, Våler): a name shared by two picks the number.
      verdi: function (r, alle) {
        var like = alle.filter(function (a) { return a.navn === r.navn; });
        return like.length > 1 ? r.nummer : r.navn;
      },
      hoved: function (r) { return r.navn; },
      detalj: function (r) {
        return r.nummer + " · " + (r.fylke ? r.fylke.navn : "") + " · " + (r.rhf ? r.rhf.navn : "");
      },
      // Half a name is not a kommune yet: search as you type only once the text names one.
      komplett: function (tekst, alle) {
        var t = tekst.trim().toLowerCase();
        return alle.filter(function (r) {
          return r.navn.toLowerCase() === t || r.nummer === t;
        }).length === 1;
      },
      valgt: function (r) {
        return fyll(T.kommune_valgt, {
          navn: r.navn,
          nummer: r.nummer,
          fylke: r.fylke ? r.fylke.navn : "",
          rhf: r.rhf ? r.rhf.navn : "",
        });
      },
    },
    diagnosekoder: {
      url: skjema.dataset.diagnosekoder,
      minLengde: 2,
      verdi: function (r) { return r.visningskode || r.kode; },
      // A code (L86) or a word of three letters or more is worth a search; words are matched
      // by the tilbud search itself, so they need not be in the code lists.
      komplett: function (tekst) {
        // «F41.» is on its way to F41.1: not yet a query (nor an error).
        return tekst.trim().length >= 3 && !/[.\s]$/.test(tekst);
      },
      hoved: function (r) { return (r.visningskode || r.kode) + " " + r.tittel; },
      detalj: function (r) {
        var kodeverk = r.kodeverk === "ICD10" ? "ICD-10" : "ICPC-2";
        var grupper = navnListe(r.malgrupper, function (m) { return m.navn; });
        // Said in words, not by colour alone: the option's text is what a screen reader reads.
        var ingen = r.gir_treff === false
          ? " · " + (harSted() ? T.ingen_treff_her : T.ingen_treff)
          : "";
        return kodeverk + (grupper ? " · " + grupper : "") + ingen;
      },
      klasse: function (r) {
        return r.gir_treff === false ? "forslag-ingen" : "";
      },
      // Codes that give tilbud where the patient lives come first (the same kommune, fylke or
      // region as the search).
      parametere: function () {
        var p = {};
        STEDSFELT.forEach(function (navn) {
          var felt = skjema.elements[navn];
          if (felt && felt.value.trim()) {
            p[navn] = felt.value.trim();
          }
        });
        return p;
      },
      valgt: function (r) {
        return (r.visningskode || r.kode) + " " + r.tittel + " (" +
          (r.kodeverk === "ICD10" ? "ICD-10" : "ICPC-2") + ")";
      },
    },
  };

  // The shared type-ahead (static/js/combobox.js); this page adds searching as you type.
  var comboboxer = [];

  function lukkAlle() {
    comboboxer.forEach(function (c) {
      c.lukk();
    });
  }

  function somTypeahead(input, kilde) {
    var siste = []; // the options on show, for telling namesakes apart (Herøy, Våler)
    return {
      url: kilde.url,
      minLengde: kilde.minLengde,
      hoved: kilde.hoved,
      detalj: kilde.detalj,
      klasse: kilde.klasse,
      parametere: kilde.parametere,
      antallTekst: function (n) { return fyll(T.forslag_antall, { antall: n }); },
      velg: function (r) {
        input.value = kilde.verdi(r, siste);
        window.clearTimeout(tidtaker);
        sok("push", null);
        return kilde.valgt(r);
      },
      vedForslag: function (resultater) {
        siste = resultater;
        if (kilde.komplett(input.value, resultater)) {
          planlegg("replace", input.name);
        }
      },
      vedInput: function (verdi) {
        if (!verdi.trim()) {
          planlegg("replace", null); // the filter was removed: show results without it
        }
      },
      vedTomEscape: function () {
        if (!input.value) {
          return false;
        }
        input.value = "";
        sok("replace", null);
        return true;
      },
      vedBlur: function () {
        // Leaving the field is the moment to show its errors, if any.
        if (sisteSporring !== parametereFraSkjema().toString()) {
          window.clearTimeout(tidtaker);
          sok("replace", null);
        }
      },
    };
  }

  if (window.HelsearbeidCombobox) {
    Array.prototype.forEach.call(skjema.querySelectorAll("[data-combobox]"), function (input) {
      var kilde = KILDER[input.dataset.combobox];
      if (kilde && kilde.url) {
        comboboxer.push(window.HelsearbeidCombobox(input, somTypeahead(input, kilde)));
      }
    });
  }

  // The language switch returns to this search as the URL holds it now (it follows the GP's
  // typing), not as the server rendered it.
  var tilbakeTil = document.querySelector("form.sprakvalg input[name=next]");
  if (tilbakeTil) {
    tilbakeTil.form.addEventListener("submit", function () {
      tilbakeTil.value = window.location.pathname + window.location.search;
    });
  }

  // The server already rendered the results for the URL's query.
  sisteSporring = parametereFraSkjema().toString();
})();
