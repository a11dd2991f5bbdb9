"""docker-compose.yml, Dockerfile and .env.example are consistent with the code they start.

Docker is not needed: the files are parsed and every module, command, URL and variable they name
is checked against the project.
"""

import ast
import importlib.util
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet
from django.core.management import get_commands
from django.urls import Resolver404, resolve
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
PYPROJECT = ROOT / "pyproject.toml"

APP_SERVICES = ("migrate", "web", "worker", "beat")
ALL_SERVICES = {"postgres", "redis", *APP_SERVICES}
HEALTHCHECKED = ("postgres", "redis", "web", "worker")
LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat")

INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")
SETTINGS_MODULE = re.compile(r"\bhelsearbeid\.settings\.[A-Za-z_][A-Za-z0-9_]*")
MANAGE_COMMAND = re.compile(r"manage\.py\s+([A-Za-z0-9_-]+)")
HEALTH_URL = re.compile(r"https?://[^\s'\"]+")
WSGI_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
ENV_READ = re.compile(r"env_(?:str|bool|list)\(\s*\"([A-Z0-9_]+)\"")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml er ikke et YAML-kart"
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


def _strings(value: Any) -> Iterator[str]:
    """Every string (and stringified scalar) anywhere in a parsed YAML value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def _argv(command: str | list[Any]) -> list[str]:
    """A compose `command`/healthcheck as an argument list (strings are split like a shell)."""
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def _shell_commands(argv: list[str]) -> list[list[str]]:
    """Split `sh -c "a && b"` and CMD-SHELL forms into their separate commands."""
    if argv and argv[0] in {"CMD", "CMD-SHELL"}:
        argv = argv[1:] if argv[0] == "CMD" else ["sh", "-c", *argv[1:]]
    if len(argv) >= 3 and argv[0] in {"sh", "bash", "/bin/sh"} and argv[1] == "-c":
        parts = re.split(r"&&|\|\||;", argv[2])
        return [shlex.split(part) for part in parts if part.strip()]
    return [argv]


def _all_commands(services: dict[str, dict[str, Any]], dockerfile: str) -> list[list[str]]:
    commands: list[list[str]] = []
    for service in services.values():
        if "command" in service:
            commands.extend(_shell_commands(_argv(service["command"])))
        if "healthcheck" in service:
            commands.extend(_shell_commands(_argv(service["healthcheck"]["test"])))
    commands.append(_dockerfile_cmd(dockerfile))
    return commands


def _dockerfile_instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments removed."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result: list[tuple[str, str]] = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


def _dockerfile_cmd(dockerfile: str) -> list[str]:
    cmds = [args for instr, args in _dockerfile_instructions(dockerfile) if instr == "CMD"]
    assert cmds, "Dockerfile mangler CMD"
    return [str(part) for part in yaml.safe_load(cmds[-1])]  # JSON (exec) form


def _defines(module_name: str, attr: str) -> bool:
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin, f"modulen {module_name} finnes ikke"
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == attr:
            return True
    return False


def _placeholders(text: str) -> str:
    """`${VAR:?message}` → `VAR`, so interpolated URLs can be parsed."""
    return INTERPOLATION.sub(lambda match: match.group(1), text)


def _documented_variables() -> set[str]:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


# --------------------------------------------------------------------------- structure


def test_compose_has_exactly_the_expected_services(compose: dict[str, Any]) -> None:
    assert "version" not in compose, "compose-spesifikasjonen bruker ikke `version:`"
    assert set(compose["services"]) == ALL_SERVICES


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_this_repos_dockerfile(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    build = services[name].get("build")
    assert build is not None, f"{name} bygges ikke fra Dockerfile"
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (COMPOSE_FILE.parent / context / dockerfile).resolve() == DOCKERFILE
    images = {services[other].get("image") for other in APP_SERVICES}
    assert len(images) == 1, f"app-tjenestene bruker ulike image: {images}"


@pytest.mark.parametrize("name", HEALTHCHECKED)
def test_services_that_should_have_a_healthcheck_have_one(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    healthcheck = services[name].get("healthcheck")
    assert healthcheck and not healthcheck.get("disable"), f"{name} mangler healthcheck"
    assert _argv(healthcheck["test"])[0] in {"CMD", "CMD-SHELL"}


def test_restart_policies(services: dict[str, dict[str, Any]]) -> None:
    for name in LONG_RUNNING:
        assert services[name].get("restart") == "unless-stopped", name
    # A one-shot job with `unless-stopped` would rerun migrations forever.
    assert services["migrate"].get("restart") in {"no", None}


def test_start_order_waits_for_health_and_migrations(services: dict[str, dict[str, Any]]) -> None:
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_app_environment_points_at_the_compose_services(
    services: dict[str, dict[str, Any]], compose_text: str
) -> None:
    postgres_env = services["postgres"]["environment"]
    for name in APP_SERVICES:
        service = services[name]
        env = service["environment"]
        assert ".env" in _argv(service.get("env_file", [])), f"{name} leser ikke .env"
        assert env["DJANGO_SETTINGS_MODULE"] == "helsearbeid.settings.production", name
        assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", env["SECRET_KEY"]), (
            f"{name}: SECRET_KEY må kreves med ${{SECRET_KEY:?…}}"
        )
        database = urlsplit(_placeholders(env["DATABASE_URL"]))
        assert database.scheme in {"postgres", "postgresql"}, name
        assert database.hostname == "postgres" and "postgres" in services
        assert database.port == 5432
        assert database.username == postgres_env["POSTGRES_USER"]
        assert database.path.lstrip("/") == postgres_env["POSTGRES_DB"]
        assert database.password == _placeholders(postgres_env["POSTGRES_PASSWORD"])
        redis_url = urlsplit(env["REDIS_URL"])
        assert redis_url.scheme == "redis" and redis_url.hostname == "redis", name
    assert "POSTGRES_PASSWORD" in INTERPOLATION.findall(compose_text)


# --------------------------------------------------------------------------- code references


def test_every_settings_module_named_is_importable(compose_text: str, dockerfile: str) -> None:
    named = set(SETTINGS_MODULE.findall(compose_text)) | set(SETTINGS_MODULE.findall(dockerfile))
    assert "helsearbeid.settings.production" in named
    for module in sorted(named):
        assert importlib.util.find_spec(module) is not None, f"{module} finnes ikke"


def _production_import(
    secret_key: str, henvisning_nokler: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
        and not key.startswith("HENVISNING_")
    }
    env |= {
        "SECRET_KEY": secret_key,
        "DATABASE_URL": "postgres://x@localhost/x",
        "REDIS_URL": "redis://redis:6379/0",
        "PYTHONPATH": str(ROOT),
    }
    if henvisning_nokler:
        env |= {
            "HENVISNING_NOKKEL": Fernet.generate_key().decode(),
            "HENVISNING_HMAC_NOKKEL": secrets.token_urlsafe(64),
        }
    return subprocess.run(
        [sys.executable, "-c", "import helsearbeid.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_load_with_a_secure_key() -> None:
    result = _production_import(secrets.token_urlsafe(45)[:60])
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_an_insecure_key() -> None:
    result = _production_import("django-insecure-" + "x" * 60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_run_without_referral_keys() -> None:
    result = _production_import(secrets.token_urlsafe(45)[:60], henvisning_nokler=False)
    assert result.returncode != 0
    assert "HENVISNING_NOKKEL" in result.stderr


def test_gunicorn_target_resolves(services: dict[str, dict[str, Any]], dockerfile: str) -> None:
    targets = []
    for argv in (_argv(services["web"]["command"]), _dockerfile_cmd(dockerfile)):
        assert argv[0] == "gunicorn", argv
        targets.extend(arg for arg in argv[1:] if WSGI_TARGET.fullmatch(arg))
    assert targets, "fant ingen gunicorn-modul:attributt"
    web = _argv(services["web"]["command"])
    assert "0.0.0.0:8000" in web and web[web.index("--workers") + 1] == "3"
    for target in targets:
        module, attr = target.split(":")
        assert _defines(module, attr), f"{module} definerer ikke {attr}"


def test_celery_app_exists(services: dict[str, dict[str, Any]], dockerfile: str) -> None:
    apps = set()
    for argv in _all_commands(services, dockerfile):
        if argv and argv[0] == "celery":
            for flag in ("-A", "--app"):
                if flag in argv:
                    apps.add(argv[argv.index(flag) + 1])
    assert apps, "ingen celery -A … i compose"
    for app in apps:
        # `celery -A pkg` looks for pkg.app / pkg.celery, then pkg.celery.app.
        assert _defines(f"{app}.celery", "app") or _defines(app, "app"), app


def test_worker_and_beat_run_the_right_celery_programs(services: dict[str, dict[str, Any]]) -> None:
    worker = _argv(services["worker"]["command"])
    beat = _argv(services["beat"]["command"])
    assert worker[:4] == ["celery", "-A", "helsearbeid", "worker"]
    assert beat[:4] == ["celery", "-A", "helsearbeid", "beat"]
    # The image's /app is read-only for the app user: the schedule must live somewhere writable.
    schedule_flags = {"-s", "--schedule"} & set(beat)
    assert schedule_flags, "beat mangler --schedule"
    schedule = Path(beat[beat.index(schedule_flags.pop()) + 1])
    assert schedule.is_absolute() and not schedule.is_relative_to("/app"), schedule
    ping = " ".join(_argv(services["worker"]["healthcheck"]["test"]))
    assert "inspect ping" in ping and "celery@$$HOSTNAME" in ping


def test_every_management_command_exists(
    services: dict[str, dict[str, Any]], compose: dict[str, Any], dockerfile: str
) -> None:
    used = set(MANAGE_COMMAND.findall(" ".join(_strings(compose))))
    used |= set(MANAGE_COMMAND.findall(dockerfile))
    assert {"migrate", "importer_katalog", "collectstatic"} <= used
    available = get_commands()
    missing = sorted(command for command in used if command not in available)
    assert not missing, f"ukjente manage.py-kommandoer: {missing}"


def test_healthcheck_urls_resolve(services: dict[str, dict[str, Any]]) -> None:
    urls = [
        url
        for service in services.values()
        for text in _strings(service.get("healthcheck", {}))
        for url in HEALTH_URL.findall(text)
    ]
    assert urls, "ingen helsesjekk bruker en URL"
    for url in urls:
        path = urlsplit(url).path
        try:
            match = resolve(path)
        except Resolver404:
            pytest.fail(f"helsesjekken bruker {path}, som ikke finnes i urls.py")
        assert match.url_name in {"readyz", "healthz"}, path
    assert any(urlsplit(url).path == "/readyz" for url in urls)


# --------------------------------------------------------------------------- variables


def test_every_interpolated_variable_is_documented(compose_text: str) -> None:
    referenced = set(INTERPOLATION.findall(compose_text))
    assert {"SECRET_KEY", "POSTGRES_PASSWORD"} <= referenced
    missing = sorted(referenced - _documented_variables())
    assert not missing, f"mangler i .env.example: {missing}"


def test_every_variable_the_settings_read_is_documented_or_set(
    services: dict[str, dict[str, Any]],
) -> None:
    read: set[str] = set()
    for path in (ROOT / "helsearbeid" / "settings").glob("*.py"):
        read |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"} <= read
    set_by_compose = set(services["web"]["environment"])
    missing = sorted(read - _documented_variables() - set_by_compose)
    assert not missing, f"settings leser variabler som verken er dokumentert eller satt: {missing}"


def test_env_example_leaves_secrets_empty() -> None:
    values = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    )
    assert values.get("SECRET_KEY") == "" and values.get("POSTGRES_PASSWORD") == ""
    assert values.get("DEBUG", "false").lower() in {"0", "false", "no", "off"}


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile_python_matches_requires_python(dockerfile: str) -> None:
    bases = [args for instr, args in _dockerfile_instructions(dockerfile) if instr == "FROM"]
    assert bases, "Dockerfile mangler FROM"
    match = re.fullmatch(r"python:(\d+\.\d+)(?:\.\d+)?(?:-slim\S*)?(?:\s+AS\s+\w+)?", bases[-1])
    assert match, f"uventet base-image: {bases[-1]}"
    requires = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["requires-python"]
    assert match.group(1) in SpecifierSet(requires), f"{bases[-1]} passer ikke {requires}"
    target = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["ruff"]["target-version"]
    assert target == "py" + match.group(1).replace(".", "")


def test_dockerfile_installs_from_the_lock_and_runs_unprivileged(dockerfile: str) -> None:
    instructions = _dockerfile_instructions(dockerfile)
    copies = " ".join(args for instr, args in instructions if instr == "COPY")
    runs = " ".join(args for instr, args in instructions if instr == "RUN")
    assert "pyproject.toml" in copies or re.search(r"(^|\s)\.\s", copies)
    assert "pip install --require-hashes -r requirements.lock" in runs, "installerer ikke fra låsen"
    assert re.search(r"pip install --no-deps (--no-build-isolation )?\.(\s|$)", runs), (
        "installerer ikke prosjektet (uten nye avhengigheter)"
    )
    assert "collectstatic --noinput" in runs
    users = [args for instr, args in instructions if instr == "USER"]
    assert users and users[-1] not in {"root", "0"}, "containeren kjører som root"
    assert _dockerfile_cmd(dockerfile)[0] == "gunicorn"
