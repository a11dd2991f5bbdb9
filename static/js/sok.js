/*
 * Søkesiden med JavaScript: resultater mens du skriver, hentet fra /api/v1/tilbud/ med de samme
 * parameterne som skjemaet sender uten JavaScript, og URL-en holdes i takt (tilbake-knappen virker).
 * Typeahead for kommune og diagnose etter WAI-ARIA «combobox med listbox»-mønsteret.
 *
 * Siden virker fullt ut uten denne fila: skjemaet er et vanlig GET-skjema og serveren tegner
 * resultatene. Kortene bygges her med samme markup som templates/tilbud/_kort.html; endre begge.
 * Ingen innerHTML med data fra API-et: all tekst settes med textContent.
 */
(function () {
  "use strict";

  var skjema = document.getElementById("sokeskjema");
  if (!skjema || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var tekstElement = document.getElementById("sok-tekster");
  var T = tekstElement ? JSON.parse(tekstElement.textContent) : {};
  var API = skjema.dataset.api;
  var status = document.getElementById("treff-status");
  var liste = document.getElementById("treffliste");
  var tomt = document.getElementById("tomt");
  var tomtMelding = document.getElementById("tomt-melding");
  var forslagListe = document.getElementById("forslag");
  var sider = document.getElementById("sider");
  var feilboks = document.getElementById("feilboks");
  var feilliste = document.getElementById("feilliste");

  var VENT_MS = 300;
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

  // Same format as the template filter date:"d.m.Y".
  function dato(iso) {
    if (!iso) {
      return "";
    }
    var d = String(iso).slice(0, 10).split("-");
    return d.length === 3 ? d[2] + "." + d[1] + "." + d[0] : String(iso);
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

  function fakta(dl, etikett, verdi) {
    var div = el("div");
    div.appendChild(el("dt", null, etikett));
    var dd = el("dd");
    if (typeof verdi === "string") {
      dd.textContent = verdi;
    } else {
      verdi.forEach(function (del) {
        dd.appendChild(typeof del === "string" ? document.createTextNode(del) : del);
      });
    }
    div.appendChild(dd);
    dl.appendChild(div);
  }

  function visKort(t, p) {
    var li = el("li", "kort" + (t.niva && t.niva.kode === "utenfor" ? " kort-utenfor" : ""));
    if (t.niva) {
      li.appendChild(
        el("p", "niva niva-" + t.niva.kode, t.niva.kode === "utenfor" ? T.utenfor : t.niva.navn)
      );
    }
    var h3 = el("h3", "kort-tittel");
    var a = el("a", null, t.navn);
    a.href = "/tilbud/" + encodeURIComponent(t.id) + "/";
    // The search's diagnosis goes along to the tilbud page, whose «Henvis» fills it in.
    if (p && p.get("diagnose")) {
      a.href += "?diagnose=" + encodeURIComponent(p.get("diagnose"));
    }
    h3.appendChild(a);
    li.appendChild(h3);
    li.appendChild(
      el("p", "tilbyder", (t.organisasjon ? t.organisasjon.navn : "") + " · " + (t.rhf ? t.rhf.navn : ""))
    );

    var dl = el("dl", "fakta");
    var sted = navnListe(t.lokasjoner, function (l) {
      var kommune = l.kommune ? l.kommune.navn : "";
      return kommune && kommune !== l.navn ? l.navn + " (" + kommune + ")" : l.navn;
    }) || T.ukjent;
    if (typeof t.avstand_km === "number") {
      sted += " · " + (t.avstand_km < 0.5
        ? T.samme_kommune
        : fyll(T.km, { km: Math.round(t.avstand_km) }));
    }
    fakta(dl, T.sted, sted);
    fakta(dl, T.fagomrade, t.fagomrade ? t.fagomrade.navn : T.ukjent);
    fakta(dl, T.malgrupper, navnListe(t.malgrupper, function (m) { return m.navn; }) || T.ukjent);
    var ventetid = T.ukjent;
    if (t.ventetid) {
      ventetid = t.ventetid.tekst;
      if (t.ventetid.dato) {
        ventetid += " (" + T.oppgitt + " " + dato(t.ventetid.dato) + ")";
      }
    }
    fakta(dl, T.ventetid, ventetid);
    var bekreftet = [dato(t.sist_bekreftet) || T.ukjent];
    if (t.ferskhet) {
      bekreftet.push(" ", el("span", "merke ferskhet-" + t.ferskhet.kode, t.ferskhet.navn));
    }
    if (t.status && t.status.kode !== "aktiv") {
      bekreftet.push(" ", el("span", "merke merke-status", t.status.navn));
    }
    fakta(dl, T.sist_bekreftet, bekreftet);
    li.appendChild(dl);

    var henvis = el("p", "henvis");
    henvis.appendChild(el("strong", null, T.slik_henviser));
    henvis.appendChild(
      document.createTextNode(" " + (t.henvisning_kort || (t.henvisning_til ? t.henvisning_til.navn : "")))
    );
    li.appendChild(henvis);
    return li;
  }

  function antallTekst(svar) {
    if (svar.count_er_minst) {
      return fyll(T.antall_minst, { antall: svar.count });
    }
    return fyll(svar.count === 1 ? T.antall_en : T.antall_flere, { antall: svar.count });
  }

  function sideLenke(p, side, tekst, rel) {
    var kopi = new URLSearchParams(p.toString());
    kopi.delete("page");
    if (side > 1) {
      kopi.set("page", String(side));
    }
    var a = el("a", null, tekst);
    a.href = "?" + kopi.toString();
    a.rel = rel;
    return a;
  }

  function visSvar(svar, p) {
    liste.textContent = "";
    (svar.results || []).forEach(function (t) {
      liste.appendChild(visKort(t, p));
    });
    status.textContent = antallTekst(svar);
    document.title = status.textContent + " – " + skjema.dataset.tittel;

    var ingen = !(svar.results && svar.results.length);
    tomt.hidden = !ingen;
    forslagListe.textContent = "";
    if (ingen) {
      tomtMelding.textContent = (svar.tomt_svar && svar.tomt_svar.melding) || T.ingen;
      ((svar.tomt_svar && svar.tomt_svar.forslag) || []).forEach(function (f) {
        var fp = new URLSearchParams();
        Object.keys(f.parametere || {}).forEach(function (navn) {
          var v = f.parametere[navn];
          if (v !== null && v !== undefined && v !== "") {
            fp.set(navn, String(v));
          }
        });
        var li = el("li");
        var a = el("a", null, f.tekst);
        a.href = "?" + fp.toString();
        li.appendChild(a);
        forslagListe.appendChild(li);
      });
    }

    var side = parseInt(p.get("page") || "1", 10) || 1;
    sider.textContent = "";
    if (svar.previous) {
      sider.appendChild(sideLenke(p, side - 1, T.forrige, "prev"));
    }
    if (svar.previous || svar.next) {
      sider.appendChild(el("span", null, fyll(T.side, { n: side })));
    }
    if (svar.next) {
      sider.appendChild(sideLenke(p, side + 1, T.neste, "next"));
    }
    sider.hidden = !(svar.previous || svar.next);
  }

  function tomResultat() {
    liste.textContent = "";
    status.textContent = "";
    tomt.hidden = true;
    sider.hidden = true;
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
    fetch(API + "?" + sporring, {
      headers: { Accept: "application/json" },
      signal: kontroll ? kontroll.signal : undefined,
    })
      .then(function (svar) {
        return svar.json().then(function (data) {
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
          visSvar(r.data, p);
        } else if (r.status === 400) {
          visFeil(r.data, function (felt) { return felt !== skrivesI; });
          if (!skrivesI) {
            tomResultat();
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
        return tekst.trim().length >= 3;
      },
      hoved: function (r) { return (r.visningskode || r.kode) + " " + r.tittel; },
      detalj: function (r) {
        var kodeverk = r.kodeverk === "ICD10" ? "ICD-10" : "ICPC-2";
        var grupper = navnListe(r.malgrupper, function (m) { return m.navn; });
        return kodeverk + (grupper ? " · " + grupper : "");
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

  // The server already rendered the results for the URL's query.
  sisteSporring = parametereFraSkjema().toString();
})();
