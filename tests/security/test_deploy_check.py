"""`manage.py check --deploy` passes with the production values of .env.example."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Secrets in .env.example are placeholders the operator must replace; the check gets real ones.
GENERATED = {"SECRET_KEY": "x7Qp2-" + "kV9mL4nR8sT1wZ6yB3cF5hJ0" * 3}


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_env_example_has_the_production_security_values():
    values = env_example()
    assert values["DEBUG"] == "false"
    assert values["SECURE_SSL_REDIRECT"] == "true"
    assert values["SESSION_COOKIE_SECURE"] == values["CSRF_COOKIE_SECURE"] == "true"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert int(values["AXES_FAILURE_LIMIT"]) > 0
    assert int(values["AXES_COOLOFF_MINUTES"]) > 0


def test_check_deploy_passes_with_the_env_example_values(tmp_path):
    environment = {
        **env_example(),
        **GENERATED,
        "CRM_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
