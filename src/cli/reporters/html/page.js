// The HTML report's only script (allowed by its hash in the page's Content-Security-Policy). It
// reads the JSON in #report-data and builds every element from it with textContent and
// setAttribute: data never reaches innerHTML, and only http(s) URLs become links.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var C = D.codes;
  var PAGE = 500;

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs)
      for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  /** Appends children to parent: elements, strings (as text), arrays of them; null and undefined are skipped. */
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) add.apply(null, [parent].concat(child));
      else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    }
  }
  function safeHref(url) {
    if (typeof url !== "string") return null;
    try {
      var u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function link(url, text) {
    var href = safeHref(url);
    return href ? el("a", { href: href, rel: "noopener noreferrer", target: "_blank" }, text) : el("span", null, text);
  }
  function badge(text, cls) {
    return el(
      "span",
      {
        class:
          "badge " +
          String(cls)
            .toLowerCase()
            .replace(/[^a-z]+/g, "-")
            .replace(/^-|-$/g, ""),
      },
      text,
    );
  }
  function table(head, rows, opts) {
    var tr = head.map(function (h) {
      return el("th", { class: typeof h === "object" && h.num ? "num" : null }, typeof h === "object" ? h.text : h);
    });
    return el(
      "table",
      { class: "grid", id: opts && opts.id },
      el("thead", null, el("tr", null, tr)),
      el(
        "tbody",
        null,
        rows.map(function (r) {
          return el(
            "tr",
            null,
            r.map(function (c, i) {
              var h = head[i];
              return el("td", { class: typeof h === "object" && h.num ? "num" : null }, c);
            }),
          );
        }),
      ),
    );
  }
  function section(id, title) {
    var s = document.getElementById(id);
    add(s, el("h2", null, title));
    return s;
  }
  function fmtValue(v) {
    return typeof v === "string" ? v : JSON.stringify(v);
  }

  // ---- decode the findings -------------------------------------------------------------
  var rules = D.rules.map(function (r, i) {
    return { i: i, id: r[0], title: r[1], severity: r[2], enforcement: r[3], helpUri: r[4], description: r[5] };
  });
  var ints = D.ints.map(function (t) {
    return { id: t[0], name: t[1], vendor: t[2] };
  });
  var sevRank = {};
  C.severity.forEach(function (s, i) {
    sevRank[s] = i;
  });
  var findings = D.rows.map(function (row, n) {
    var at = function (k) {
      return row.length > k ? row[k] : -1;
    };
    var rule = rules[row[0]];
    var integ = row[3] >= 0 ? ints[row[3]] : null;
    var x = at(9) >= 0 ? D.extras[at(9)] : {};
    var m = row[4];
    var message = m < 0 ? "Integration '" + integ.name + "' (id " + integ.id + ", " + integ.vendor + ")" + D.text[-m - 1] : D.text[m];
    return {
      n: n,
      rule: rule,
      status: C.status[row[1]],
      disposition: C.disposition[row[2]],
      integration: integ,
      subject: x.subject || null,
      message: message,
      evidence: D.evidence[row[5]] || {},
      remediation: D.text[row[6]],
      exception: at(7) >= 0 ? D.exceptions[at(7)] : null,
      baseline: at(8) >= 0 ? D.baselines[at(8)] : null,
      severity: x.severity || rule.severity,
      enforcement: x.enforcement || rule.enforcement,
      helpUri: "helpUri" in x ? x.helpUri : rule.helpUri,
      dataProblems: x.dataProblems || null,
      vendor: integ ? integ.vendor : "",
    };
  });
  // --fail-on never reports failing findings as failing and only stops enforcing them (data errors
  // are enforced whatever it says: the run is incomplete). The same rule as notEnforced in common.ts.
  findings.forEach(function (f) {
    f.notEnforced = !D.summary.enforced && f.disposition === "failing" && !(f.status === "error" && f.dataProblems);
  });
  var dispRank = {};
  C.disposition.forEach(function (d, i) {
    dispRank[d] = i;
  });
  var QUIET = { passed: true, "not-applicable": true };
  function who(f) {
    return f.integration ? f.integration.name + " (id " + f.integration.id + ")" : f.subject || "inventory";
  }

  // ---- header: verdict and the policy in force -----------------------------------------
  var v = D.verdict;
  var P = D.meta.policy;
  add(
    document.getElementById("top"),
    el("h1", null, "Flow integration audit"),
    el("div", { class: "verdict " + (v.ok ? "good" : "bad"), id: "verdict" }, badge(v.status.toUpperCase(), v.status), el("span", null, v.text)),
    el(
      "p",
      { class: "note", id: "policy-line" },
      "Policy: " + (P.file === null ? "the rules' defaults (no policy file)" : P.file),
      P.digest ? [" · ", el("span", { class: "mono" }, P.digest)] : null,
      P.baseline ? [" · baseline " + P.baseline.file, P.baseline.digest ? [" ", el("span", { class: "mono" }, P.baseline.digest)] : null] : null,
      P.failOn === "never"
        ? " · findings judged at mandatory, not enforced (--fail-on never: the run exits 0 unless Flow sent unusable data)"
        : " · fails on " + P.failOn + " (--fail-on " + P.failOn + ")",
      " · " + D.meta.generatedAt + " · " + D.summary.integrations + " integrations · personal data " + (D.meta.personalDataMasked ? "masked" : "shown"),
    ),
  );

  // ---- counts by rule (with the rule levels in force), severity, vendor, enforcement ----
  (function () {
    var s = section("summary", "Counts");
    if (!D.summary.enforced)
      add(
        s,
        el(
          "p",
          { class: "note", id: "not-enforced-note" },
          "Failing findings are counted as failing: they fail the policy. --fail-on never only keeps this run from enforcing them (exit code 0).",
        ),
      );
    var tally = function (key) {
      var m = {};
      findings.forEach(function (f) {
        var k = key(f);
        (m[k] = m[k] || {})[f.disposition] = (m[k][f.disposition] || 0) + 1;
      });
      return m;
    };
    var dispHead = C.disposition.map(function (d) {
      return { text: d, num: true };
    });
    var cells = function (row) {
      return C.disposition.map(function (d) {
        return (row && row[d]) || 0;
      });
    };
    var byRule = tally(function (f) {
      return f.rule.id;
    });
    add(
      s,
      el("h3", null, "By rule (levels as the policy sets them)"),
      table(
        ["Rule", "Severity", "Level"].concat(dispHead),
        rules
          .filter(function (r) {
            return r.enforcement || byRule[r.id];
          })
          .map(function (r) {
            return [
              [el("code", null, link(r.helpUri, r.id)), " ", el("span", { class: "note" }, r.title)],
              badge(r.severity, r.severity),
              r.enforcement,
            ].concat(cells(byRule[r.id]));
          }),
        { id: "counts-rule" },
      ),
    );
    var by = function (key, label, order) {
      var m = tally(key);
      return Object.keys(m)
        .sort(function (a, b) {
          return order ? order(a) - order(b) : a < b ? -1 : a > b ? 1 : 0;
        })
        .map(function (k) {
          return [label, k].concat(cells(m[k]));
        });
    };
    add(
      s,
      el("h3", null, "By severity, enforcement and vendor"),
      table(
        ["", ""].concat(dispHead),
        [].concat(
          by(
            function (f) {
              return f.severity;
            },
            "severity",
            function (k) {
              return sevRank[k];
            },
          ),
          by(
            function (f) {
              return f.enforcement;
            },
            "enforcement",
            function (k) {
              return C.enforcement.indexOf(k);
            },
          ),
          by(function (f) {
            return f.vendor || "(inventory)";
          }, "vendor"),
        ),
        { id: "counts-other" },
      ),
    );
  })();

  // ---- findings: filters, sortable table -----------------------------------------------
  var state = { sort: "default", dir: 1, shown: PAGE };
  var controls = {};
  var tbody = el("tbody");
  var countLine = el("p", { id: "findings-count", class: "note" });
  var more = el("button", { id: "show-more", type: "button" }, "Show more");
  var COLUMNS = [
    ["disposition", "Result"],
    ["severity", "Severity"],
    ["rule", "Rule"],
    ["integration", "Integration"],
    ["vendor", "Vendor"],
    ["enforcement", "Level"],
    ["message", "Finding"],
  ];
  var KEYS = {
    disposition: function (f) {
      return dispRank[f.disposition];
    },
    severity: function (f) {
      return sevRank[f.severity];
    },
    rule: function (f) {
      return f.rule.id;
    },
    integration: function (f) {
      return who(f).toLowerCase();
    },
    vendor: function (f) {
      return f.vendor;
    },
    enforcement: function (f) {
      return C.enforcement.indexOf(f.enforcement);
    },
    message: function (f) {
      return f.message.toLowerCase();
    },
  };
  function compare(a, b) {
    if (state.sort === "default") {
      return dispRank[a.disposition] - dispRank[b.disposition] || sevRank[a.severity] - sevRank[b.severity] || a.rule.i - b.rule.i || a.n - b.n;
    }
    var ka = KEYS[state.sort](a);
    var kb = KEYS[state.sort](b);
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * state.dir || a.n - b.n;
  }
  var haystacks = [];
  function haystack(f) {
    if (haystacks[f.n] === undefined) {
      haystacks[f.n] = [who(f), f.vendor, f.rule.id, f.message, JSON.stringify(f.evidence), f.remediation, f.exception ? f.exception.reason : ""]
        .join("\n")
        .toLowerCase();
    }
    return haystacks[f.n];
  }
  function selected() {
    var q = controls.text.value.trim().toLowerCase();
    var want = {
      rule: controls.rule.value,
      severity: controls.severity.value,
      vendor: controls.vendor.value,
      enforcement: controls.enforcement.value,
      disposition: controls.disposition.value,
    };
    return findings.filter(function (f) {
      if (want.disposition ? f.disposition !== want.disposition : QUIET[f.disposition] && !controls.quiet.checked) return false;
      if (want.rule && f.rule.id !== want.rule) return false;
      if (want.severity && f.severity !== want.severity) return false;
      if (want.vendor && f.vendor !== want.vendor) return false;
      if (want.enforcement && f.enforcement !== want.enforcement) return false;
      return !q || haystack(f).indexOf(q) >= 0;
    });
  }
  function findingCell(f) {
    var ev = Object.keys(f.evidence).map(function (k) {
      return el("li", null, el("code", null, k), ": ", el("span", { class: "mono" }, fmtValue(f.evidence[k])));
    });
    var why = null;
    if (f.exception) {
      why = el(
        "div",
        { class: "why" },
        el("b", null, f.exception.state === "active" ? "Exception" : "Expired exception"),
        " until " + f.exception.expires + ": " + f.exception.reason,
      );
    } else if (f.baseline) {
      why = el("div", { class: "why" }, el("b", null, "Baseline " + f.baseline.state), " (" + f.baseline.file + ", until " + f.baseline.expires + ")");
    }
    var problems = (f.dataProblems || []).map(function (p) {
      return el("li", null, "Unusable data: " + p.document + " " + p.path + ": expected " + p.expected + ", got " + p.got);
    });
    var quiet = f.disposition === "passed" || f.disposition === "not-applicable";
    return el(
      "td",
      { class: "msg" },
      el("div", null, f.message),
      ev.length || problems.length ? el("ul", { class: "evidence" }, ev, problems) : null,
      quiet ? null : el("div", { class: "fix" }, el("b", null, "Fix: "), f.remediation, " ", link(f.helpUri, "Rule documentation")),
      why,
    );
  }
  function render() {
    var list = selected().sort(compare);
    tbody.textContent = "";
    var frag = document.createDocumentFragment();
    list.slice(0, state.shown).forEach(function (f) {
      var tr = el(
        "tr",
        {
          class: "finding",
          "data-rule": f.rule.id,
          "data-severity": f.severity,
          "data-disposition": f.disposition,
          "data-enforced": f.notEnforced ? "false" : null,
          "data-vendor": f.vendor,
        },
        el("td", null, badge(f.disposition, f.disposition), f.notEnforced ? [" ", badge("not enforced", "not-enforced")] : null),
        el("td", null, badge(f.severity, f.severity)),
        el("td", null, el("code", null, f.rule.id)),
        el("td", { class: "who" }, f.integration ? [f.integration.name, el("div", { class: "note" }, "id " + f.integration.id)] : f.subject || "inventory"),
        el("td", null, f.vendor),
        el("td", null, f.enforcement),
        findingCell(f),
      );
      frag.appendChild(tr);
    });
    tbody.appendChild(frag);
    var shown = Math.min(list.length, state.shown);
    countLine.textContent = "Showing " + shown + " of " + list.length + " matching findings (" + findings.length + " in all).";
    more.hidden = list.length <= state.shown;
    more.textContent = "Show " + Math.min(PAGE, list.length - state.shown) + " more";
  }
  (function () {
    var s = section("findings", "Findings");
    var opt = function (values, all) {
      return [el("option", { value: "" }, all)].concat(
        values.map(function (v) {
          return el("option", { value: v }, v);
        }),
      );
    };
    var vendors = Object.keys(
      findings.reduce(function (m, f) {
        if (f.vendor) m[f.vendor] = 1;
        return m;
      }, {}),
    ).sort();
    controls.rule = el(
      "select",
      { id: "filter-rule" },
      opt(
        rules.map(function (r) {
          return r.id;
        }),
        "all rules",
      ),
    );
    controls.severity = el("select", { id: "filter-severity" }, opt(C.severity.slice(), "all severities"));
    controls.vendor = el("select", { id: "filter-vendor" }, opt(vendors, "all vendors"));
    controls.enforcement = el("select", { id: "filter-enforcement" }, opt(C.enforcement.slice(0, 2), "all levels"));
    controls.disposition = el("select", { id: "filter-disposition" }, opt(C.disposition.slice(), "open, suppressed, baselined"));
    controls.text = el("input", { id: "filter-text", type: "search", placeholder: "name, id, message, evidence…" });
    controls.quiet = el("input", { id: "filter-quiet", type: "checkbox" });
    add(
      s,
      el(
        "div",
        { class: "filters" },
        el("label", null, "Rule", controls.rule),
        el("label", null, "Severity", controls.severity),
        el("label", null, "Vendor", controls.vendor),
        el("label", null, "Level", controls.enforcement),
        el("label", null, "Result", controls.disposition),
        el("label", null, "Text", controls.text),
        el("label", { class: "check" }, controls.quiet, "also passed and not applicable"),
      ),
    );
    var heads = COLUMNS.map(function (c) {
      var th = el("th", { "data-sort": c[0], "aria-sort": "none", scope: "col" }, c[1]);
      th.addEventListener("click", function () {
        state.dir = state.sort === c[0] ? -state.dir : 1;
        state.sort = c[0];
        heads.forEach(function (h) {
          h.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        render();
      });
      return th;
    });
    add(s, countLine, el("table", { class: "grid", id: "findings-table" }, el("thead", null, el("tr", null, heads)), tbody), more);
    var again = function () {
      state.shown = PAGE;
      render();
    };
    ["rule", "severity", "vendor", "enforcement", "disposition", "quiet"].forEach(function (k) {
      controls[k].addEventListener("change", again);
    });
    controls.text.addEventListener("input", again);
    more.addEventListener("click", function () {
      state.shown += PAGE;
      render();
    });
    render();
  })();

  // ---- exceptions and baselined findings -----------------------------------------------
  (function () {
    var s = section("exceptions", "Exceptions applied");
    var ex = findings.filter(function (f) {
      return f.exception;
    });
    add(
      s,
      ex.length
        ? table(
            ["Rule", "Integration", "State", "Reason", "Owner", "Ticket", "Expires"],
            ex.map(function (f) {
              var e = f.exception;
              return [el("code", null, f.rule.id), who(f), e.state, e.reason, e.owner || "—", e.ticket || "—", e.expires];
            }),
            { id: "exceptions-table" },
          )
        : el("p", { class: "note" }, "No exception of the policy file matched a finding."),
    );
    var b = section("baseline", "Baseline");
    var applied = D.baseline && D.baseline.applied;
    var written = D.baseline && D.baseline.written;
    if (!applied && !written) add(b, el("p", { class: "note" }, "No baseline was in force in this run."));
    if (applied) {
      add(
        b,
        el(
          "dl",
          { class: "meta" },
          el("dt", null, "File"),
          el("dd", null, applied.file),
          el("dt", null, "Digest"),
          el("dd", { class: "mono", id: "baseline-digest" }, (P.baseline && P.baseline.digest) || "—"),
          el("dt", null, "Written"),
          el("dd", null, applied.createdAt),
          el("dt", null, "Expires"),
          el("dd", null, applied.expires + (applied.expired ? " — expired: it tolerates nothing, every finding it lists fails" : "")),
          el("dt", null, "Entries"),
          el(
            "dd",
            null,
            applied.entries +
              " (" +
              applied.tolerated +
              " tolerated, " +
              applied.changed +
              " with changed evidence, " +
              applied.resolved.length +
              " resolved, " +
              applied.notEvaluated +
              " not evaluated in this run)",
          ),
        ),
      );
      var bl = findings.filter(function (f) {
        return f.baseline;
      });
      add(b, el("h3", null, "Baselined findings"));
      add(
        b,
        bl.length
          ? table(
              ["Rule", "Integration", "State", "Expires", "Finding"],
              bl.map(function (f) {
                return [el("code", null, f.rule.id), who(f), f.baseline.state, f.baseline.expires, f.message];
              }),
              { id: "baselined-table" },
            )
          : el("p", { class: "note" }, "No finding matched the baseline."),
      );
      add(b, el("h3", null, "Resolved baseline entries"));
      var byId = {};
      ints.forEach(function (i) {
        byId[i.id] = i;
      });
      add(
        b,
        applied.resolved.length
          ? table(
              ["Rule", "Integration", "Fingerprint"],
              applied.resolved.map(function (r) {
                var i = r.integration !== undefined ? byId[r.integration] : null;
                return [
                  el("code", null, r.rule),
                  i ? i.name + " (id " + i.id + ")" : r.integration !== undefined ? "id " + r.integration : r.subject || "inventory",
                  el("code", null, r.fingerprint),
                ];
              }),
              { id: "resolved-table" },
            )
          : el("p", { class: "note" }, "None: every entry still matches a violation (or was not evaluated)."),
      );
    }
    if (written) {
      add(b, el("h3", null, "Baseline written"));
      add(
        b,
        el(
          "p",
          null,
          written.file +
            ": " +
            written.entries +
            " entries until " +
            written.expires +
            " (" +
            written.kept +
            " kept, " +
            written.added +
            " added, " +
            written.dropped +
            " dropped, " +
            written.notAdded +
            " not added)",
        ),
      );
    }
  })();

  // ---- changes (history and --diff-against) --------------------------------------------
  function diffBlock(d, title) {
    var items = function (title, list, fmt) {
      return list.length
        ? el(
            "div",
            null,
            el("h4", null, title + " (" + list.length + ")"),
            el(
              "ul",
              { class: "diff-list" },
              list.slice(0, 200).map(function (x) {
                return el("li", null, fmt(x));
              }),
              list.length > 200 ? el("li", null, "… and " + (list.length - 200) + " more") : null,
            ),
          )
        : null;
    };
    var ref = function (i) {
      return i.name + " (id " + i.id + ", " + i.vendor + ")";
    };
    var change = function (c) {
      return [el("code", null, c.ruleId), " ", c.message];
    };
    return el(
      "div",
      { class: "diff" },
      el("h3", null, title),
      el(
        "p",
        null,
        "Integrations added " +
          d.added.length +
          ", removed " +
          d.removed.length +
          ", changed " +
          d.changed.length +
          "; findings appeared " +
          d.findingsAppeared.length +
          ", resolved " +
          d.findingsResolved.length +
          ".",
      ),
      items("Integrations added", d.added, ref),
      items("Integrations removed", d.removed, ref),
      items("Integrations changed", d.changed, function (c) {
        return ref(c) + ": " + c.fields.join(", ");
      }),
      items("Findings appeared", d.findingsAppeared, change),
      items("Findings resolved", d.findingsResolved, change),
    );
  }
  if (D.history) {
    var h = D.history;
    document.getElementById("history-note").textContent =
      h.runs +
      " run" +
      (h.runs === 1 ? "" : "s") +
      " from " +
      h.dir +
      (h.total > h.limit ? " (the newest " + h.limit + " of " + h.total + " snapshots there)" : "") +
      (h.skipped.length
        ? "; skipped: " +
          h.skipped
            .map(function (s) {
              return s.file + " (" + s.problem + ")";
            })
            .join("; ")
        : "") +
      ". Each snapshot is evaluated with this run's policy at its own time.";
    if (h.previous)
      add(document.getElementById("history-diff"), diffBlock(h.previous, "Since the previous run (" + h.previous.file + ", " + h.previous.at + ")"));
  }
  if (D.diff) add(section("changes", "Changes since " + D.diff.against), diffBlock(D.diff, "Compared with " + D.diff.against));

  // ---- data warnings and run metadata --------------------------------------------------
  if (D.warnings.length) {
    var w = section("warnings", "Data warnings (" + D.summary.warnings + ")");
    add(
      w,
      table(
        ["Integration", "Field", "Expected", "Got"],
        D.warnings.map(function (p) {
          return [String(p.integrationId), p.document + " " + p.path, p.expected, p.got];
        }),
      ),
    );
  }
  (function () {
    var s = section("run", "Run");
    var m = D.meta;
    add(
      s,
      el(
        "dl",
        { class: "meta", id: "run-meta" },
        el("dt", null, "Generated"),
        el("dd", null, m.generatedAt),
        el("dt", null, m.source.kind === "api" ? "Flow API" : "Snapshot"),
        el("dd", { class: "mono" }, m.source.location),
        el("dt", null, "Tool"),
        el("dd", null, m.tool.name + " " + m.tool.version),
        el("dt", null, "Policy digest"),
        el("dd", { class: "mono" }, m.policy.digest || "—"),
        m.policy.baseline ? [el("dt", null, "Baseline digest"), el("dd", { class: "mono" }, m.policy.baseline.digest || "—")] : null,
        el("dt", null, "Personal data"),
        el("dd", null, m.personalDataMasked ? "masked (user names and emails)" : "shown (--show-personal-data)"),
        el("dt", null, "Integrations"),
        el("dd", null, String(D.summary.integrations)),
      ),
    );
  })();

  performance.mark("report-ready");
  document.documentElement.setAttribute("data-ready", "1");
})();
