#!/usr/bin/env python3
"""Checks the deployment files without a Docker engine or a cloud account.

Dockerfile: its stages, that every package it installs comes from the shared
lists of scripts/lib/common.sh (scripts/packages.sh), that the runtime list
installs every library `ldd khaacho` shows and the OCR languages of
config/khaacho.conf, the non-root user, HEALTHCHECK, PORT, the exec-form
entrypoint, and that .dockerignore keeps what it copies. docker-compose.yml:
`docker-compose config` (Debian's docker-compose parses it without an
engine) and its shape. deploy/: yamllint and the Knative and Cloud Build
fields that matter. .ci/run: calls only scripts/test.sh.

Run by ctest (deploy_files) with KHAACHO_BINARY set to the built binary.
"""
import fnmatch
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("KHAACHO_BINARY", os.path.join(ROOT, "build", "khaacho"))


def run(argv, env=None, cwd=ROOT):
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def package_list(group):
    r = run([os.path.join(ROOT, "scripts", "packages.sh"), group])
    assert r.returncode == 0, r.stderr
    return [l for l in r.stdout.split() if l]


def seconds(text):
    """'30s', '1m30s', '2min', '20s' -> seconds."""
    total, rest = 0, str(text)
    for num, unit in re.findall(r"(\d+)\s*(min|ms|h|m|s)", rest):
        total += int(num) * {"h": 3600, "min": 60, "m": 60, "s": 1, "ms": 0.001}[unit]
    return total


def config_value(section, key):
    current = None
    with open(os.path.join(ROOT, "config", "khaacho.conf"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                current = line.strip("[]")
            elif current == section and line.startswith(key + "="):
                return line.split("=", 1)[1].strip().strip('"')
    raise KeyError(f"{section}.{key}")


# ---------------------------------------------------------------- Dockerfile

class Instruction:
    def __init__(self, keyword, args, stage):
        self.keyword, self.args, self.stage = keyword, args, stage

    def __repr__(self):
        return f"{self.keyword} {self.args} [{self.stage}]"


def parse_dockerfile(path=os.path.join(ROOT, "Dockerfile")):
    """Instructions with continuation lines joined, comments dropped."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    logical, buf = [], ""
    for line in lines:
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append(buf + stripped)
        buf = ""
    assert not buf, "the Dockerfile ends inside a continued line"
    out, stage = [], None
    for l in logical:
        keyword, _, args = l.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?$", args.strip(), re.I)
            assert m, l
            stage = m.group(2) or m.group(1)
        out.append(Instruction(keyword, args.strip(), stage))
    return out


def apt_installs(run_args):
    """The package words of every `apt-get install` in a RUN's shell text."""
    found = []
    for part in re.split(r"&&|;|\|\|", run_args):
        words = part.split()
        if "apt-get" in words and "install" in words:
            found.append(words[words.index("install") + 1:])
    return found


def dockerignore_patterns():
    pats = []
    with open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                pats.append(line)
    return pats


def dockerignored(path, patterns):
    """Docker's rule: the last matching pattern wins; a pattern that matches a
    parent folder excludes everything under it; `!` re-includes."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    excluded = False
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.strip("/")
        def match(candidate):
            if p.startswith("**/"):
                tail = p[3:]
                segs = candidate.split("/")
                return any(fnmatch.fnmatchcase("/".join(segs[i:]), tail) for i in range(len(segs)))
            return fnmatch.fnmatchcase(candidate, p)
        if any(match(c) for c in prefixes):
            excluded = not neg
    return excluded


class DockerfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ins = parse_dockerfile()
        cls.stages = [i.args for i in cls.ins if i.keyword == "FROM"]

    def stage(self, name):
        return [i for i in self.ins if i.stage == name]

    def test_debian_12_stages_and_the_runtime_one_is_last(self):
        self.assertEqual(self.stages, ["debian:bookworm-slim AS build", "debian:bookworm-slim AS line-model",
                                       "debian:bookworm-slim AS runtime"])
        self.assertEqual(self.ins[-1].stage, "runtime")

    def test_every_installed_package_comes_from_the_shared_lists(self):
        shared = set(package_list("all")) | set(package_list("runtime")) | set(package_list("line-model"))
        lists_used = {}
        for i in self.ins:
            if i.keyword != "RUN":
                continue
            for words in apt_installs(i.args):
                for w in words:
                    if w.startswith("-"):
                        continue
                    m = re.match(r"\$\((?:\S*/)?scripts/packages\.sh\s+(\w+)\)$", w) or \
                        re.match(r"\$\(\S*packages\.sh$", w)
                    if m or w.startswith("$(") or w.endswith(")"):
                        continue
                    self.assertIn(w, shared, f"{i.stage} installs {w}, which is in no list of scripts/lib/common.sh")
                text = " ".join(words)
                m = re.search(r"\$\(\S*scripts/packages\.sh ([\w-]+)\)", text)
                self.assertIsNotNone(m, f"{i.stage}: apt-get install without scripts/packages.sh: {text}")
                lists_used[i.stage] = m.group(1)
            self.assertNotRegex(i.args, r"\bapt-get\s+upgrade\b")
        self.assertEqual(lists_used, {"build": "build", "line-model": "line-model", "runtime": "runtime"})

    def test_packages_sh_is_copied_before_it_is_used(self):
        for stage in ("build", "line-model", "runtime"):
            seen_copy = False
            for i in self.stage(stage):
                if i.keyword == "COPY" and "scripts/lib/common.sh" in i.args:
                    seen_copy = True
                if i.keyword == "RUN" and "packages.sh" in i.args:
                    self.assertTrue(seen_copy, f"{stage}: packages.sh runs before common.sh is copied")

    def test_release_build_of_the_binary_and_the_runtime_check(self):
        runs = " ".join(i.args for i in self.stage("build") if i.keyword == "RUN")
        self.assertIn("-DCMAKE_BUILD_TYPE=Release", runs)
        self.assertRegex(runs, r"cmake --build build --target khaacho\b")
        self.assertIn("scripts/packages.sh check-runtime build/khaacho", runs)
        copies = [i.args for i in self.stage("runtime") if i.keyword == "COPY"]
        self.assertIn("--from=build /src/build/khaacho /usr/local/bin/khaacho", copies)

    def test_runtime_stage_installs_no_build_tools(self):
        for p in package_list("runtime"):
            self.assertFalse(p.endswith("-dev"), p)
            self.assertNotIn(p, {"build-essential", "cmake", "catch2", "pkg-config"})

    def test_non_root_user_port_healthcheck_and_signal(self):
        rt = self.stage("runtime")
        users = [i.args for i in rt if i.keyword == "USER"]
        self.assertEqual(len(users), 1)
        uid = users[0].split(":")[0]
        self.assertTrue(uid.isdigit() and int(uid) != 0, f"USER {users[0]} must be a numeric non-root id")
        self.assertIn(f"--uid {uid}", " ".join(i.args for i in rt if i.keyword == "RUN"))
        envs = " ".join(i.args for i in rt if i.keyword == "ENV")
        self.assertRegex(envs, r"\bPORT=8080\b")
        self.assertIn("EXPOSE", [i.keyword for i in rt])
        hc = [i.args for i in rt if i.keyword == "HEALTHCHECK"]
        self.assertEqual(len(hc), 1)
        self.assertIn("/healthz", hc[0])
        self.assertIn("${PORT}", hc[0], "the health check must follow PORT (Cloud Run, -e PORT=...)")
        self.assertIn("curl", package_list("runtime"), "HEALTHCHECK uses curl")
        self.assertEqual([i.args for i in rt if i.keyword == "STOPSIGNAL"], ["SIGTERM"])
        # Exec form: khaacho is PID 1 and gets SIGTERM itself, no shell between.
        entry = [i.args for i in rt if i.keyword == "ENTRYPOINT"]
        self.assertEqual(len(entry), 1)
        self.assertEqual(json.loads(entry[0]), ["khaacho"])
        self.assertEqual(json.loads([i.args for i in rt if i.keyword == "CMD"][-1]), ["serve"])

    def test_runtime_has_config_and_migrations_in_its_working_directory(self):
        rt = self.stage("runtime")
        self.assertEqual([i.args for i in rt if i.keyword == "WORKDIR"], ["/opt/khaacho"])
        copies = [i.args.split() for i in rt if i.keyword == "COPY" and not i.args.startswith("--from")]
        dests = {c[-1].rstrip("/") for c in copies}
        self.assertIn("config", dests)
        self.assertIn("migrations", dests)

    def test_every_copied_file_exists_and_survives_dockerignore(self):
        patterns = dockerignore_patterns()
        for i in self.ins:
            if i.keyword != "COPY" or i.args.startswith("--from"):
                continue
            for src in i.args.split()[:-1]:
                path = os.path.join(ROOT, src)
                self.assertTrue(os.path.exists(path), f"COPY {src}: no such file")
                tracked = run(["git", "ls-files", "--", src]).stdout.split()
                self.assertTrue(tracked or os.path.isfile(path), f"COPY {src}: nothing tracked")
                for f in tracked:
                    self.assertFalse(dockerignored(f, patterns), f"{f} (COPY {src}) is in .dockerignore")

    def test_dockerignore_keeps_local_state_and_builds_out(self):
        patterns = dockerignore_patterns()
        for p in (".local/jwt_secret", ".local/pg/run/PG_VERSION", "build/khaacho", "build-deploy/x",
                  ".git/HEAD", "tests/browser/node_modules/playwright-core/package.json", ".env"):
            self.assertTrue(dockerignored(p, patterns), p)
        for p in ("src/main.cpp", "migrations/0001_x.sql", "scripts/lib/common.sh", ".env.example"):
            self.assertFalse(dockerignored(p, patterns), p)


# ---------------------------------------------------------------- packages

class PackageListTest(unittest.TestCase):
    def test_build_list_is_the_shared_list_without_host_only_tools(self):
        everything, build = package_list("all"), package_list("build")
        self.assertTrue(set(build) < set(everything))
        for p in ("build-essential", "cmake", "libcaf-dev", "libtesseract-dev", "catch2"):
            self.assertIn(p, build)
        for p in ("chromium", "postgresql-15", "redis-server", "docker-compose", "wrk"):
            self.assertNotIn(p, build)
        # Language data added to the shared list reaches both stages.
        tess = [p for p in everything if p.startswith("tesseract-ocr-")]
        self.assertTrue(tess)
        self.assertTrue(set(tess) <= set(build))
        self.assertTrue(set(tess) <= set(package_list("runtime")))

    def test_runtime_packages_are_real_debian_packages(self):
        for p in package_list("runtime"):
            r = run(["dpkg-query", "-W", "-f=${Status}", p])
            self.assertEqual(r.stdout, "install ok installed", f"{p}: not a Debian package installed here")

    def test_runtime_list_covers_every_library_of_the_binary(self):
        self.assertTrue(os.access(BINARY, os.X_OK), BINARY)
        r = run([os.path.join(ROOT, "scripts", "packages.sh"), "check-runtime", BINARY])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # Every library ldd names is counted.
        libs = [l for l in run(["ldd", BINARY]).stdout.splitlines() if "=>" in l]
        self.assertIn(f"all {len(libs)} libraries", r.stdout)

    def test_the_runtime_check_names_a_missing_library(self):
        # psql links libreadline, which no runtime package brings.
        psql = "/usr/lib/postgresql/15/bin/psql"
        r = run([os.path.join(ROOT, "scripts", "packages.sh"), "check-runtime", psql])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"libreadline\.so\.\d+ \(libreadline\d+\)")

    def test_runtime_list_has_the_configured_ocr_languages(self):
        runtime = set(package_list("runtime"))
        langs = config_value("ocr", "languages").split("+")
        self.assertTrue(langs)
        for lang in langs:
            files = glob.glob(f"/usr/share/tesseract-ocr/*/tessdata/{lang}.traineddata")
            self.assertTrue(files, f"no tessdata for '{lang}' on this machine")
            owner = run(["dpkg-query", "-S", files[0]]).stdout.split(":", 1)[0]
            self.assertIn(owner, runtime, f"OCR language '{lang}' comes with {owner}")


# ---------------------------------------------------------------- compose

COMPOSE_FILE = os.path.join(ROOT, "docker-compose.yml")


def compose_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("JWT_SECRET", "POSTGRES_PASSWORD", "COMPOSE_FILE", "DOCKER_HOST")}
    return env


def compose_config(env_file):
    return run(["docker-compose", "-f", COMPOSE_FILE, "--env-file", env_file, "config"], env=compose_env())


class ComposeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = compose_config(os.path.join(ROOT, ".env.example"))
        cls.result = r
        cls.cfg = yaml.safe_load(r.stdout) if r.returncode == 0 else None

    def test_docker_compose_config_accepts_it(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertIsNotNone(self.cfg)

    def test_services_images_and_commands(self):
        s = self.cfg["services"]
        self.assertTrue({"postgres", "redis", "migrate", "api", "worker"} <= set(s))
        self.assertEqual(s["postgres"]["image"], "postgres:15")
        self.assertEqual(s["redis"]["image"], "redis:7")
        self.assertEqual(s["migrate"]["command"], ["migrate"])
        self.assertEqual(s["api"]["command"], ["serve"])
        self.assertEqual(s["worker"]["command"], ["worker"])
        images = {s[n]["image"] for n in ("migrate", "api", "worker")}
        self.assertEqual(len(images), 1, "migrate, api and worker run the one image")
        self.assertIn("build", s["migrate"])

    def test_commands_are_subcommands_of_the_binary(self):
        pending = []
        for name, svc in self.cfg["services"].items():
            if svc.get("image") != "khaacho:local":
                continue
            r = run([BINARY, svc["command"][0], "--help"])
            # `khaacho worker` comes with cluster mode (issue 8); until the
            # binary has it, say so instead of failing every run.
            if svc["command"][0] == "worker" and "unknown command 'worker'" in r.stderr:
                pending.append(name)
                continue
            self.assertEqual(r.returncode, 0, f"service {name}: khaacho {svc['command'][0]}: {r.stderr}")
        if pending:
            self.skipTest(f"service {', '.join(pending)}: `khaacho worker` is not in the binary yet")

    def test_start_order_follows_health(self):
        s = self.cfg["services"]
        self.assertEqual(s["migrate"]["depends_on"]["postgres"]["condition"], "service_healthy")
        for n in ("api", "worker"):
            self.assertEqual(s[n]["depends_on"]["migrate"]["condition"], "service_completed_successfully")
            self.assertEqual(s[n]["depends_on"]["redis"]["condition"], "service_healthy")
        for n in ("postgres", "redis"):
            self.assertIn("test", s[n]["healthcheck"])

    def test_worker_scales_and_nodes_share_storage(self):
        s = self.cfg["services"]
        self.assertNotIn("ports", s["worker"], "a published port stops --scale worker=3")
        self.assertNotIn("container_name", s["worker"])
        self.assertNotIn("KHAACHO_NODE_ID", s["worker"]["environment"], "node ids must differ per replica")
        self.assertEqual(s["api"]["ports"][0]["target"], 8080)
        vols = set(self.cfg["volumes"])
        self.assertTrue({"pgdata", "redisdata", "storage"} <= vols)
        root = s["api"]["environment"]["KHAACHO_STORAGE_ROOT"]
        for n in ("api", "worker"):
            self.assertIn(f"storage:{root}:rw", s[n]["volumes"])
        self.assertTrue(any(v.startswith("pgdata:") for v in s["postgres"]["volumes"]))

    def test_stop_grace_outlasts_the_shutdown_grace(self):
        grace = seconds(config_value("node", "shutdown-grace"))
        for n in ("api", "worker"):
            self.assertGreater(seconds(self.cfg["services"][n]["stop_grace_period"]), grace)

    def test_secrets_are_required_and_listed_in_env_example(self):
        with open(COMPOSE_FILE, encoding="utf-8") as f:
            used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", f.read()))
        with open(os.path.join(ROOT, ".env.example"), encoding="utf-8") as f:
            listed = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", f.read(), re.M))
        self.assertEqual(used - listed, set(), "variables of docker-compose.yml missing from .env.example")
        # Without the secrets the file refuses to resolve.
        with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
            empty.write("LOG_LEVEL=info\n")
            empty.flush()
            r = compose_config(empty.name)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"set (JWT_SECRET|POSTGRES_PASSWORD)")

    def test_env_example_jwt_placeholder_is_refused_by_khaacho(self):
        # The placeholder must not work as a secret: khaacho names the key.
        with open(os.path.join(ROOT, ".env.example"), encoding="utf-8") as f:
            placeholder = re.search(r"^JWT_SECRET=(.*)$", f.read(), re.M).group(1)
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:  # the embedded defaults
            r = run([BINARY, "token", "--role", "admin", "--config", conf.name],
                    env={**os.environ, "JWT_SECRET": placeholder})
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("'auth.jwt-secret'", r.stderr)


# ---------------------------------------------------------------- Cloud Run, Cloud Build

YAMLLINT_CONFIG = os.path.join(ROOT, "tests", "deploy", "yamllint.yaml")
CLOUDRUN = {name: os.path.join(ROOT, "deploy", "cloudrun", name + ".yaml") for name in ("api", "worker")}
CLOUDBUILD = os.path.join(ROOT, "deploy", "cloudbuild.yaml")


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def config_keys():
    r = run([BINARY, "--help"])
    assert r.returncode == 0, r.stderr
    return set(re.findall(r"^\s+--([a-z]+\.[a-z0-9-]+)=", r.stdout, re.M))


class CloudRunTest(unittest.TestCase):
    def test_yamllint_passes(self):
        files = list(CLOUDRUN.values()) + [CLOUDBUILD, COMPOSE_FILE]
        r = run(["yamllint", "-s", "-c", YAMLLINT_CONFIG] + files)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def check_service(self, name, command):
        doc = load_yaml(CLOUDRUN[name])
        self.assertEqual(doc["apiVersion"], "serving.knative.dev/v1")
        self.assertEqual(doc["kind"], "Service")
        tmpl = doc["spec"]["template"]
        ann = tmpl["metadata"]["annotations"]
        lo, hi = int(ann["autoscaling.knative.dev/minScale"]), int(ann["autoscaling.knative.dev/maxScale"])
        self.assertTrue(1 <= lo <= hi, (lo, hi))
        self.assertRegex(ann["run.googleapis.com/vpc-access-connector"], r"/connectors/")
        self.assertEqual(ann["run.googleapis.com/cpu-throttling"], "false", "the pipeline runs between requests")
        spec = tmpl["spec"]
        self.assertRegex(spec["serviceAccountName"], r"^khaacho-" + name + r"@")
        (c,) = spec["containers"]
        self.assertEqual(c["args"][0], command)
        port = c["ports"][0]["containerPort"]
        self.assertEqual(port, 8080)
        self.assertRegex(str(c["resources"]["limits"]["cpu"]), r"^\d+$")
        self.assertRegex(c["resources"]["limits"]["memory"], r"^\d+(Mi|Gi)$")
        self.assertEqual(c["startupProbe"]["httpGet"], {"path": "/readyz", "port": port})
        self.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/healthz", "port": port})
        env = {e["name"]: e for e in c["env"]}
        for secret in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET"):
            self.assertIn(secret, env)
            self.assertNotIn("value", env[secret], f"{secret} must come from Secret Manager")
            self.assertEqual(env[secret]["valueFrom"]["secretKeyRef"]["key"], "latest")
        for e in c["env"]:
            if re.search(r"SECRET|PASSWORD|TOKEN|API_KEY", e["name"]):
                self.assertIn("valueFrom", e, e["name"])
        # Flags are real configuration keys, and shutdown fits Cloud Run's
        # 10 s between SIGTERM and SIGKILL.
        keys = config_keys()
        flags = dict(a[2:].split("=", 1) for a in c["args"][1:])
        for k in flags:
            self.assertIn(k, keys, f"--{k} is not a configuration key")
        self.assertLess(seconds(flags["node.shutdown-grace"]), 10)
        return doc

    def test_api_service(self):
        doc = self.check_service("api", "serve")
        self.assertEqual(doc["metadata"]["annotations"]["run.googleapis.com/ingress"], "all")

    def test_worker_service(self):
        doc = self.check_service("worker", "worker")
        self.assertEqual(doc["metadata"]["annotations"]["run.googleapis.com/ingress"], "internal")

    def test_cloudbuild_tests_builds_pushes_migrates_and_deploys_both(self):
        doc = load_yaml(CLOUDBUILD)
        ids = [s["id"] for s in doc["steps"]]
        self.assertEqual(ids, ["test", "build", "push", "migrate", "deploy"])
        steps = {s["id"]: s for s in doc["steps"]}
        self.assertEqual(steps["test"]["args"], ["scripts/test.sh"])
        self.assertTrue(steps["test"]["name"].startswith("debian:bookworm"))
        self.assertEqual(steps["build"]["args"][0], "build")
        self.assertEqual(steps["push"]["args"][0], "push")
        self.assertIn("--args=migrate", steps["migrate"]["args"][-1])
        script = steps["deploy"]["args"][-1]
        self.assertIn("gcloud run services replace", script)
        loop = re.search(r"for service in ([a-z ]+); do", script)
        self.assertIsNotNone(loop)
        self.assertEqual(sorted(loop.group(1).split()), sorted(CLOUDRUN))
        # Every placeholder of the service files is filled in.
        for path in CLOUDRUN.values():
            with open(path, encoding="utf-8") as f:
                for ph in set(re.findall(r"__[A-Z_]+__", f.read())):
                    self.assertIn(f's|{ph}|', script, f"{ph} of {path} is never substituted")


class CiTest(unittest.TestCase):
    def test_ci_run_calls_only_scripts_test_sh(self):
        with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
            commands = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        commands = [c for c in commands if not c.startswith(("set ", "cd "))]
        self.assertEqual(commands, ["exec scripts/test.sh"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
