// sopbook: one search over the whole manual. Every page loads the index of
// its whole edition (searchindex-manual.js at the edition's root), not its
// book's. That index is made of one part per book, each the book's pages'
// words in sorted arrays (searched and scored below as elasticlunr.js
// would search and score its own index of them): mdBook's search page
// gets one index that searches every part and gives the results as one
// list, best first, each with its place in the edition's list of page
// addresses. What the reader types is split into words by the same rules
// the index was made with: letters and digits of any script, and Chinese
// or Japanese text as overlapping pairs of characters.
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
  // another language, the search box, the line above the results, the
  // buttons' tooltips and labels and the colour themes' names speak the
  // page's language (the line is put back in it each time mdBook writes it).
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
      },
      // The colour themes' names in mdBook's menu.
      themes: {
        default_theme: "Automatisk",
        light: "Lys",
        rust: "Rust",
        coal: "Kull",
        navy: "Marine",
        ayu: "Ayu"
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
      },
      themes: {
        default_theme: "אוטומטי",
        light: "בהיר",
        rust: "חלודה",
        coal: "פחם",
        navy: "כחול כהה",
        ayu: "Ayu"
      }
    },
    ru: {
      placeholder: "Поиск по руководству ...",
      one: "1 результат по запросу «{q}»:",
      many: "Результатов по запросу «{q}»: {n}",
      none: "По запросу «{q}» ничего не найдено.",
      buttons: {
        "Toggle Table of Contents": "Показать или скрыть оглавление",
        "Table of contents": "Оглавление",
        "Change theme": "Сменить цветовую тему",
        "Themes": "Цветовые темы",
        "Toggle Searchbar": "Показать или скрыть строку поиска",
        "Search (`/`)": "Поиск (`/`)",
        "Print this book": "Распечатать руководство",
        "Page navigation": "Навигация по страницам",
        "Previous chapter": "Предыдущая страница",
        "Next chapter": "Следующая страница"
      },
      themes: {
        default_theme: "Автоматически",
        light: "Светлая",
        rust: "Ржавчина",
        coal: "Уголь",
        navy: "Тёмно-синяя",
        ayu: "Ayu"
      }
    },
    zh: {
      placeholder: "搜索手册 ...",
      one: "找到 1 条与“{q}”相关的结果：",
      many: "找到 {n} 条与“{q}”相关的结果：",
      none: "没有与“{q}”相关的结果。",
      buttons: {
        "Toggle Table of Contents": "显示或隐藏目录",
        "Table of contents": "目录",
        "Change theme": "更换配色主题",
        "Themes": "配色主题",
        "Toggle Searchbar": "显示或隐藏搜索栏",
        "Search (`/`)": "搜索 (`/`)",
        "Print this book": "打印本手册",
        "Page navigation": "页面导航",
        "Previous chapter": "上一页",
        "Next chapter": "下一页"
      },
      themes: {
        default_theme: "自动",
        light: "浅色",
        rust: "Rust",
        coal: "煤黑",
        navy: "海军蓝",
        ayu: "Ayu"
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
    Object.keys(words.themes).forEach(function (theme) {
      var button = document.getElementById("mdbook-theme-" + theme);
      if (button) {
        button.textContent = words.themes[theme];
      }
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

  // A book's part of the index as sopbook writes it (src/manual/lunr.rs):
  // per field its words, sorted as JavaScript compares strings, and beside
  // each word its documents and counts. Searched and scored as
  // elasticlunr.js searches and scores its own index of the same words
  // (Index.prototype.search and fieldSearch), so results and their order
  // are the same; only the words are found by binary search, not in a tree.
  var FIELDS = ["title", "body", "breadcrumbs"];
  function compact(data) {
    var pipeline = elasticlunr.Pipeline.load(data.pipeline);
    var n = data.length, docs = data.docs, lengths = data.lengths;
    function first(terms, token) {
      var lo = 0, hi = terms.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (terms[mid] < token) { lo = mid + 1; } else { hi = mid; }
      }
      return lo;
    }
    // The words a query token stands for: itself, or with `expand` every
    // word it begins (itself first), as elasticlunr's expandToken.
    function keys(f, token, expand) {
      var terms = data.fields[f][0], found = [];
      for (var i = first(terms, token); i < terms.length; i++) {
        if (terms[i] === token || (expand && terms[i].lastIndexOf(token, 0) === 0)) {
          found.push(i);
        } else {
          break;
        }
      }
      return found;
    }
    function fieldSearch(tokens, f, config) {
      if (config.boost === 0) { return null; }
      var terms = data.fields[f][0], postings = data.fields[f][1];
      var scores = null, docTokens = {};
      tokens.forEach(function (token) {
        var tokenScores = {};
        keys(f, token, config.expand == true).forEach(function (k) {
          var key = terms[k], list = postings[k];
          var idf = 1 + Math.log(n / (list.length / 2 + 1));
          var pairs = [];
          for (var i = 0; i < list.length; i += 2) {
            if (!(scores && config.bool == "AND") || list[i] in scores) {
              pairs.push(list[i], list[i + 1]);
            }
          }
          for (var j = 0; j < pairs.length; j += 2) {
            var d = pairs[j];
            if (key == token) {
              if (d in docTokens) { docTokens[d].push(key); } else { docTokens[d] = [key]; }
            }
          }
          for (var m = 0; m < pairs.length; m += 2) {
            var doc = pairs[m];
            var length = lengths[doc * 3 + f];
            var norm = length != 0 ? 1 / Math.sqrt(length) : 1;
            var penalty = key != token ? 0.15 * (1 - (key.length - token.length) / key.length) : 1;
            var score = Math.sqrt(pairs[m + 1]) * idf * norm * penalty;
            if (doc in tokenScores) { tokenScores[doc] += score; } else { tokenScores[doc] = score; }
          }
        });
        if (!scores) {
          scores = tokenScores;
        } else if (config.bool == "AND") {
          var both = {};
          for (var d in tokenScores) {
            if (d in scores) { both[d] = scores[d] + tokenScores[d]; }
          }
          scores = both;
        } else {
          for (var e in tokenScores) {
            if (e in scores) { scores[e] += tokenScores[e]; } else { scores[e] = tokenScores[e]; }
          }
        }
      });
      for (var s in scores) {
        if (s in docTokens) { scores[s] = scores[s] * docTokens[s].length / tokens.length; }
      }
      return scores;
    }
    return {
      search: function (query, userConfig) {
        if (!query) { return []; }
        var config = new elasticlunr.Configuration(
          userConfig == null ? null : JSON.stringify(userConfig), FIELDS.slice()).get();
        var tokens = pipeline.run(elasticlunr.tokenizer(query));
        var total = {};
        for (var field in config) {
          var f = FIELDS.indexOf(field);
          var scores = f < 0 ? null : fieldSearch(tokens, f, config[field]);
          for (var d in scores) {
            var score = scores[d] * config[field].boost;
            if (d in total) { total[d] += score; } else { total[d] = score; }
          }
        }
        var results = [];
        for (var r in total) {
          var doc = docs[r];
          results.push({
            ref: r,
            score: total[r],
            doc: { id: r, title: doc[0], body: doc[1], breadcrumbs: doc[2] }
          });
        }
        results.sort(function (a, b) { return b.score - a.score; });
        return results;
      }
    };
  }

  var load = elasticlunr.Index.load;
  elasticlunr.Index.load = function (data) {
    if (!data || !data.sopbook_parts) {
      return load.call(elasticlunr.Index, data);
    }
    var parts = data.sopbook_parts.map(function (part) {
      var index = part.index.sopbook_compact ? compact(part.index) : load.call(elasticlunr.Index, part.index);
      return { offset: part.offset, index: index };
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
