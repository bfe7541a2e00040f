// sopbook: one search over the whole manual. Every page loads the index of
// its whole edition (searchindex-manual.js at the edition's root), not its
// book's. That index is made of one part per book, each an elasticlunr
// index of the book's pages: mdBook's search page gets one index that
// searches every part and gives the results as one list, best first, each
// with its place in the edition's list of page addresses. What the reader types is split into words by the same rules the
// index was made with: letters and digits of any script, and Chinese or
// Japanese text as overlapping pairs of characters.
(function () {
  if (typeof elasticlunr === "undefined") {
    return;
  }
  var cjk = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2ffff}]/u;
  var letter = /[\p{Alphabetic}\p{N}]/u;
  function tokenize(text) {
    if (text === null || text === undefined) {
      return [];
    }
    if (Array.isArray(text)) {
      return text.map(function (t) { return String(t).toLowerCase(); });
    }
    var out = [], word = "", run = [];
    function flushWord() {
      if (word !== "" && Array.from(word).length <= 80) {
        out.push(word.toLowerCase());
      }
      word = "";
    }
    function flushRun() {
      if (run.length === 1) {
        out.push(run[0]);
      }
      for (var i = 0; i + 1 < run.length; i++) {
        out.push(run[i] + run[i + 1]);
      }
      run = [];
    }
    for (var c of String(text)) {
      if (cjk.test(c)) {
        flushWord();
        run.push(c);
      } else if (letter.test(c)) {
        flushRun();
        word += c;
      } else {
        flushWord();
        flushRun();
      }
    }
    flushWord();
    flushRun();
    return out;
  }
  elasticlunr.tokenizer = tokenize;

  // mdBook's search page and buttons speak English: in an edition in
  // another language, the search box, the line above the results and the
  // buttons' tooltips and labels speak the page's language (the line is
  // put back in it each time mdBook writes it).
  var spoken = {
    nb: {
      placeholder: "Søk i håndboken ...",
      one: "1 treff for «{q}»:",
      many: "{n} treff for «{q}»:",
      none: "Ingen treff for «{q}».",
      // mdBook's buttons: what a pointer's tooltip and a screen reader say.
      buttons: {
        "Toggle Table of Contents": "Vis eller skjul innholdsfortegnelsen",
        "Table of contents": "Innhold",
        "Change theme": "Bytt fargetema",
        "Themes": "Fargetemaer",
        "Toggle Searchbar": "Vis eller skjul søkefeltet",
        "Search (`/`)": "Søk (`/`)",
        "Print this book": "Skriv ut håndboken",
        "Page navigation": "Sidenavigasjon",
        "Previous chapter": "Forrige side",
        "Next chapter": "Neste side"
      }
    },
    he: {
      placeholder: "חיפוש במדריך ...",
      one: "תוצאה אחת עבור '{q}':",
      many: "{n} תוצאות עבור '{q}':",
      none: "אין תוצאות עבור '{q}'.",
      buttons: {
        "Toggle Table of Contents": "הצגה או הסתרה של תוכן העניינים",
        "Table of contents": "תוכן העניינים",
        "Change theme": "החלפת ערכת צבעים",
        "Themes": "ערכות צבעים",
        "Toggle Searchbar": "הצגה או הסתרה של שורת החיפוש",
        "Search (`/`)": "חיפוש (`/`)",
        "Print this book": "הדפסת המדריך",
        "Page navigation": "ניווט בין דפים",
        "Previous chapter": "הדף הקודם",
        "Next chapter": "הדף הבא"
      }
    }
  };
  var code = (document.documentElement.lang || "").toLowerCase().split("-")[0];
  var words = spoken[code === "nn" || code === "no" ? "nb" : code];
  var bar = document.getElementById("mdbook-searchbar");
  var header = document.getElementById("mdbook-searchresults-header");
  if (words) {
    ["title", "aria-label"].forEach(function (name) {
      document.querySelectorAll("[" + name + "]").forEach(function (el) {
        var said = words.buttons[el.getAttribute(name)];
        if (said) {
          el.setAttribute(name, said);
        }
      });
    });
  }
  if (words && bar && header) {
    bar.placeholder = words.placeholder;
    new MutationObserver(function () {
      var text = header.innerText;
      var some = /^(\d+) search results? for '([\s\S]*)':$/.exec(text);
      var none = /^No search results for '([\s\S]*)'\.$/.exec(text);
      var said = null;
      if (some) {
        said = (some[1] === "1" ? words.one : words.many)
          .replace("{n}", some[1]).replace("{q}", some[2]);
      } else if (none) {
        said = words.none.replace("{q}", none[1]);
      }
      if (said !== null) {
        header.innerText = said;
      }
    }).observe(header, { childList: true, characterData: true, subtree: true });
  }

  var load = elasticlunr.Index.load;
  elasticlunr.Index.load = function (data) {
    if (!data || !data.sopbook_parts) {
      return load.call(elasticlunr.Index, data);
    }
    var parts = data.sopbook_parts.map(function (part) {
      return { offset: part.offset, index: load.call(elasticlunr.Index, part.index) };
    });
    return {
      search: function (query, options) {
        var found = [];
        parts.forEach(function (part) {
          part.index.search(query, options).forEach(function (result) {
            found.push({
              ref: String(part.offset + Number(result.ref)),
              score: result.score,
              doc: result.doc
            });
          });
        });
        found.sort(function (a, b) { return b.score - a.score; });
        return found;
      }
    };
  };
})();
