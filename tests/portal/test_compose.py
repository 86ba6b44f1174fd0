"""The scale-out compose file: every server the architecture names, wired by the URLs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks(compose):
    services = compose["services"]
    assert {"portal", "worker", "postgres", "redis", "elasticsearch"} <= set(services)
    for name in ("portal", "postgres", "redis", "elasticsearch"):
        assert services[name]["healthcheck"]["test"], name
    assert services["elasticsearch"]["image"].split(":")[-1].startswith("8.")
    for name in ("portal", "worker"):
        depends = services[name]["depends_on"]
        assert all(d["condition"] == "service_healthy" for d in depends.values())


def test_portal_and_worker_share_files_and_use_every_switch(compose):
    services = compose["services"]
    for name in ("portal", "worker"):
        env = services[name]["environment"]
        assert env["WARISAN_DATABASE_URL"].startswith("postgresql://")
        assert env["WARISAN_QUEUE_URL"].startswith("redis://")
        assert env["WARISAN_SEARCH_URL"].startswith("http://elasticsearch:9200")
        assert "files:/srv/warisan/files" in services[name]["volumes"]
    assert set(compose["volumes"]) >= {"pgdata", "esdata", "files"}


def test_portal_counts_login_attempts_in_redis(compose):
    env = compose["services"]["portal"]["environment"]
    assert env["WARISAN_RATELIMIT_STORAGE_URI"] == "redis://redis:6379/1"
    assert env["WARISAN_RATELIMIT_STORAGE_URI"] != env["WARISAN_QUEUE_URL"]


def test_ports_published_on_loopback_only(compose):
    for service in compose["services"].values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:")


@pytest.mark.skipif(
    not shutil.which("docker")
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="no docker compose client on this machine",
)
def test_docker_compose_config_accepts_it():
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={"WARISAN_SECRET_KEY": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
