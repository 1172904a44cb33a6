"""Production mode: strict settings, checked by Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Q7x!mZ2@pL9#vR4$tY6%wE8^uI0&oP3*aS5(dF" + "j" * 10


def manage(*args, **env):
    full_env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_production_refuses_the_default_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="dyjs.example.gov.cn")
    assert result.returncode != 0
    assert "Production mode needs its own SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, DEBUG="true", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "refuses to run with DEBUG on" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="dyjs.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_warns_in_development():
    # The same check is not a formality: the development settings fail it.
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="development")
    assert result.returncode != 0


@pytest.mark.django_db
def test_demo_data_is_never_loaded_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产模式下不能加载演示数据"):
        call_command("load_demo")
