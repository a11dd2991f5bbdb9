/*
 * Type-ahead for a text field after the WAI-ARIA «combobox med listbox»-mønsteret: the same
 * markup, keyboard handling and CSS classes (.combo, .forslagsliste, .forslag-valg, .valgt-hint)
 * on every page that has one (the search page, the referral form):
 *
 *   window.HelsearbeidCombobox(input, {
 *     url: "/api/v1/diagnosekoder/",       // answers ?q=…&page_size=8 with {results: [...]}
 *     minLengde: 2,                        // characters before a look-up
 *     sporring: function (verdi) {...},    // the text to look up (default: the whole value)
 *     parametere: function () {...},       // more query parameters (optional); a look-up they
 *                                          // make invalid (400) is repeated without them
 *     hoved: function (r) {...},           // an option's first line
 *     detalj: function (r) {...},          // its second line
 *     klasse: function (r) {...},          // an extra CSS class for the option (optional)
 *     velg: function (r) {...},            // sets input.value; returns the «chosen» hint text
 *     antallTekst: function (n) {...},     // what a screen reader hears when options arrive
 *     // Optional hooks for a page that acts on the field (the search page searches as you type):
 *     vedInput: function (verdi) {...},     // after every keystroke
 *     vedForslag: function (resultater) {...}, // after options arrive
 *     vedTomEscape: function () {...},      // Escape with the list closed; true if handled
 *     vedBlur: function () {...},           // the field lost focus
 *   });
 *
 * The input must sit in a <div class="combo">. Without JavaScript the field is a plain text field
 * and the form works as before. No innerHTML: all text from the API is set with textContent.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.URLSearchParams) {
    return;
  }

  var VENT_MS = 150;
  var alle = [];

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

  function Combobox(input, kilde) {
    var self = this;
    var boks = input.parentNode;
    var listeId = input.id + "-forslag";
    var sporring = kilde.sporring || function (verdi) { return verdi; };

    var lb = el("ul", "forslagsliste");
    lb.id = listeId;
    lb.setAttribute("role", "listbox");
    lb.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    lb.hidden = true;
    boks.appendChild(lb);
    var valgtHint = el("p", "valgt-hint");
    valgtHint.id = input.id + "-valgt";
    boks.parentNode.insertBefore(valgtHint, boks.nextSibling);
    var antallStatus = el("p", "visuelt-skjult");
    antallStatus.setAttribute("role", "status");
    boks.appendChild(antallStatus);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listeId);
    input.setAttribute("autocomplete", "off");
    var beskrevet = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (beskrevet ? beskrevet + " " : "") + valgtHint.id);

    var resultater = [];
    var aktiv = -1;
    var tid = null;
    var kontroll = null;
    var sistHentet = null;

    self.lukk = function () {
      lb.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      aktiv = -1;
    };

    function apne() {
      if (!resultater.length) {
        self.lukk();
        return;
      }
      lb.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function marker(i) {
      var valg = lb.querySelectorAll("[role=option]");
      Array.prototype.forEach.call(valg, function (o, j) {
        o.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      aktiv = i;
      if (i >= 0 && valg[i]) {
        input.setAttribute("aria-activedescendant", valg[i].id);
        valg[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function velg(i) {
      var r = resultater[i];
      if (!r) {
        return;
      }
      valgtHint.textContent = kilde.velg(r) || "";
      sistHentet = sporring(input.value).trim();
      self.lukk();
      input.focus();
      // Put the caret at the end, ready for the next code.
      var slutt = input.value.length;
      if (input.setSelectionRange) {
        input.setSelectionRange(slutt, slutt);
      }
    }

    function tegn() {
      lb.textContent = "";
      resultater.forEach(function (r, i) {
        var o = el("li", "forslag-valg");
        o.id = listeId + "-" + i;
        o.setAttribute("role", "option");
        o.setAttribute("aria-selected", "false");
        if (kilde.klasse) {
          var klasse = kilde.klasse(r);
          if (klasse) {
            o.classList.add(klasse);
          }
        }
        o.appendChild(el("span", "forslag-hoved", kilde.hoved(r)));
        o.appendChild(el("span", "forslag-detalj", kilde.detalj(r)));
        // mousedown, not click: the input keeps focus, so blur does not close the list first.
        o.addEventListener("mousedown", function (e) {
          e.preventDefault();
          velg(i);
        });
        lb.appendChild(o);
      });
      aktiv = -1;
      if (kilde.vedForslag) {
        kilde.vedForslag(resultater);
      }
      antallStatus.textContent = resultater.length && kilde.antallTekst
        ? kilde.antallTekst(resultater.length)
        : "";
      apne();
    }

    function hent() {
      var q = sporring(input.value).trim();
      if (q.length < kilde.minLengde || q === sistHentet) {
        if (q.length < kilde.minLengde) {
          resultater = [];
          self.lukk();
        }
        return;
      }
      sistHentet = q;
      if (kontroll) {
        kontroll.abort();
      }
      kontroll = window.AbortController ? new AbortController() : null;
      var egen = kontroll;
      var grunn = { q: q, page_size: "8" };
      var ekstra = kilde.parametere ? kilde.parametere() : {};
      function hentMed(params) {
        return fetch(kilde.url + "?" + new URLSearchParams(params).toString(), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: kontroll ? kontroll.signal : undefined,
        });
      }
      var medEkstra = Object.assign({}, ekstra, grunn);
      hentMed(medEkstra)
        .then(function (s) {
          // A half-typed kommune must not cost the suggestions: ask again without it.
          if (s.status === 400 && Object.keys(ekstra).length) {
            return hentMed(grunn);
          }
          return s;
        })
        .then(function (s) {
          return s.ok ? s.json() : { results: [] };
        })
        .then(function (data) {
          if (egen !== kontroll || document.activeElement !== input) {
            return;
          }
          resultater = data.results || [];
          tegn();
        })
        .catch(function () {
          /* The type-ahead is a help; a failed look-up leaves plain typing working. */
        });
    }

    input.addEventListener("input", function () {
      valgtHint.textContent = "";
      window.clearTimeout(tid);
      tid = window.setTimeout(hent, VENT_MS);
      if (kilde.vedInput) {
        kilde.vedInput(input.value);
      }
    });

    input.addEventListener("keydown", function (e) {
      var apen = !lb.hidden;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!apen) {
          sistHentet = null;
          if (resultater.length) {
            apne();
          } else {
            hent();
          }
          return;
        }
        marker(aktiv + 1 >= resultater.length ? 0 : aktiv + 1);
      } else if (e.key === "ArrowUp") {
        if (apen) {
          e.preventDefault();
          marker(aktiv <= 0 ? resultater.length - 1 : aktiv - 1);
        }
      } else if (e.key === "Enter") {
        // A highlighted option is chosen; otherwise Enter does what it does in any form.
        if (apen && aktiv >= 0) {
          e.preventDefault();
          velg(aktiv);
        } else {
          self.lukk();
        }
      } else if (e.key === "Escape") {
        if (apen) {
          e.preventDefault();
          self.lukk();
        } else if (kilde.vedTomEscape && kilde.vedTomEscape()) {
          e.preventDefault();
          valgtHint.textContent = "";
          sistHentet = null;
        }
      } else if (e.key === "Tab") {
        self.lukk();
      }
    });

    input.addEventListener("blur", function () {
      self.lukk();
      if (kilde.vedBlur) {
        kilde.vedBlur();
      }
    });
  }

  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".combo")) {
      alle.forEach(function (c) {
        c.lukk();
      });
    }
  });

  window.HelsearbeidCombobox = function (input, kilde) {
    var c = new Combobox(input, kilde);
    alle.push(c);
    return c;
  };
})();
