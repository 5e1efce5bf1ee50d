#!/usr/bin/env python3
"""Checks that dashboard.json and alerts.yml use only the metric names in metric-names.txt.

- dashboard.json must parse as JSON; every PromQL expression in it (panel targets, the $instance
  variable's query) may name only series of metric-names.txt, and every series selector must be
  filtered by instance=~"$instance" so that the replica picker applies to every panel.
- alerts.yml: every expr may name only series of metric-names.txt, Prometheus' own "up", and the
  recording rules defined in alerts.yml itself.
- every alert of alerts.yml has a "### <alert>" runbook section in README.md, and its runbook
  annotation links to it.
- --emit-rules FILE writes the dashboard's expressions (Grafana variables replaced by plain
  values) as recording rules, so that promtool check rules FILE checks their PromQL syntax.

Only the standard library: no PyYAML (alerts.yml is read line by line; an expr is either on the
"expr:" line or in an indented block after "expr: |").
Exit status: 0 when everything is known, 1 otherwise.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "inf", "nan", "atan2", "topk", "bottomk"}
SUFFIXES = {"counter": [""], "gauge": [""], "histogram": ["_bucket", "_sum", "_count"],
            "summary": ["_sum", "_count"]}


def allowed_series(path):
    names = set()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or parts[1] not in SUFFIXES:
                sys.exit(f"{path}:{n}: expected '<name> <counter|gauge|histogram|summary>', got {line!r}")
            names.update(parts[0] + s for s in SUFFIXES[parts[1]])
    return names


def strip(expr):
    """The expression without string literals, label matchers, ranges, grouping label lists."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^}]*\}", "{}", e)
    e = re.sub(r"\[[^\]]*\]", "[]", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\$\{?\w+\}?", " ", e)
    return e


def metric_names(expr):
    e = strip(expr)
    out = []
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)", e):
        name = m.group(1)
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or name.lower() in KEYWORDS:
            continue  # a function call or a keyword
        out.append(name)
    return out


def selectors_without_instance(expr):
    """Series selectors of expr that are not filtered by instance=~"$instance"."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: m.group(0).replace("{", "(").replace("}", ")"), expr)
    bad = []
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)\s*(\{[^}]*\})?", e):
        name, braces = m.group(1), m.group(2)
        if name.lower() in KEYWORDS or e[m.end():].lstrip().startswith("(") and not braces:
            continue
        if name not in metric_names(expr):
            continue
        if not braces or not re.search(r'instance\s*=~\s*"\$instance"', braces):
            bad.append(name)
    return bad


def dashboard_exprs(d):
    """(where, expr, is_variable) for every PromQL expression of the dashboard."""
    out = []
    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if "expr" in t:
                    out.append((f'panel "{p.get("title")}" ({t.get("refId")})', t["expr"], False))
            walk(p.get("panels", []))
    walk(d.get("panels", []))
    for v in d.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", q)
        out.append((f'variable ${v.get("name")}', m.group(1) if m else q, True))
    return out


def rule_exprs(path):
    """(where, expr) for every expr of a rules file, and the set of recorded names."""
    lines = open(path, encoding="utf-8").read().splitlines()
    out, records, where = [], set(), "?"
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*-?\s*(alert|record):\s*(\S+)", line)
        if m:
            where = f"{m.group(1)} {m.group(2)}"
            if m.group(1) == "record":
                records.add(m.group(2))
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if m:
            indent, value = len(m.group(1)), m.group(2).strip()
            if value in ("|", ">", "|-", ">-", "|+", ">+"):
                block = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i])
                    i += 1
                out.append((where, "\n".join(block)))
                continue
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out.append((where, value))
        i += 1
    return out, records


def main(argv):
    emit = None
    if len(argv) >= 2 and argv[0] == "--emit-rules":
        emit = argv[1]
    allowed = allowed_series(os.path.join(HERE, "metric-names.txt"))
    problems = []

    path = os.path.join(HERE, "dashboard.json")
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except ValueError as e:
        print(f"dashboard.json: not valid JSON: {e}")
        return 1
    exprs = dashboard_exprs(d)
    for where, expr, is_var in exprs:
        for name in metric_names(expr):
            if name not in allowed:
                problems.append(f"dashboard.json {where}: unknown metric {name!r}")
        if not is_var:
            for name in selectors_without_instance(expr):
                problems.append(f'dashboard.json {where}: {name} is not filtered by instance=~"$instance"')
    if not any(v.get("name") == "instance" for v in d.get("templating", {}).get("list", [])):
        problems.append("dashboard.json: no $instance template variable")
    if not any(i.get("name") == "DS_PROMETHEUS" for i in d.get("__inputs", [])):
        problems.append("dashboard.json: no DS_PROMETHEUS input")

    rules, records = rule_exprs(os.path.join(HERE, "alerts.yml"))
    if not rules:
        problems.append("alerts.yml: no expr found")
    for where, expr in rules:
        for name in metric_names(expr):
            if name not in allowed and name != "up" and name not in records:
                problems.append(f"alerts.yml {where}: unknown metric {name!r}")

    # every alert has its runbook section in README.md, and its runbook annotation points there
    readme = open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
    text = open(os.path.join(HERE, "alerts.yml"), encoding="utf-8").read()
    alerts = 0
    for m in re.finditer(r"^\s*- alert:\s*(\S+)(.*?)(?=^\s*- (?:alert|record):|\Z)", text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        alerts += 1
        if not re.search(rf"^### {re.escape(name)}$", readme, re.M):
            problems.append(f"README.md: no '### {name}' section (the runbook of alert {name})")
        want = f"deploy/observability/README.md#{name.lower()}"
        if not re.search(rf'^\s*runbook:\s*"?{re.escape(want)}"?\s*$', body, re.M):
            problems.append(f"alerts.yml alert {name}: runbook annotation is not {want}")

    if emit:
        with open(emit, "w", encoding="utf-8") as f:
            f.write("# generated by check_names.py: the dashboard's PromQL, for promtool's syntax check\n")
            f.write("groups:\n  - name: dashboard\n    rules:\n")
            for n, (where, expr, is_var) in enumerate(exprs):
                e = (expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
                         .replace("$__range", "1h").replace("${instance}", ".*").replace("$instance", ".*"))
                f.write(f"      - record: dashboard:expr_{n}\n        expr: {json.dumps(e)}\n")

    for p in problems:
        print(p)
    print(f"names: {len(exprs)} dashboard expressions, {len(rules)} rule expressions checked against "
          f"{len(allowed)} series of metric-names.txt, runbooks of {alerts} alerts: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
