"""The release package, as an operator installs it: the .deb's contents and control fields, its systemd unit through
`systemd-analyze verify`, and the binary run from a throwaway root with no Swift toolchain in reach — `--version`,
`demo --once`, and `serve` answering with the console from the resources beside it."""
import os
import pathlib
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

DEB = os.environ.get("PRISMA_RELAY_DEB")
pytestmark = pytest.mark.skipif(not DEB, reason="PRISMA_RELAY_DEB names the package scripts/package built")

# Only the system: the toolchain's directories are in neither PATH nor LD_LIBRARY_PATH.
BARE = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", DEB, str(root)], check=True)
    return root


@pytest.fixture
def build_resources_hidden():
    """The build tree's console resources moved aside, so that only the package's own can be found."""
    toolchain_swift = shutil.which("swift")
    assert toolchain_swift, "the tests run where the package was built"
    moved = []
    for path in pathlib.Path(".build").glob("*/release/PrismaRelay_RelayServer.resources"):
        hidden = path.with_name(path.name + ".hidden")
        path.rename(hidden)
        moved.append((hidden, path))
    assert moved, "the build tree's resources were not found: the test would not prove the package's are used"
    yield
    for hidden, path in moved:
        hidden.rename(path)


def test_the_package_names_itself_its_dependencies_and_its_files():
    info = subprocess.run(["dpkg-deb", "--info", DEB], capture_output=True, text=True, check=True).stdout
    assert "Package: prisma-relay" in info
    depends = re.search(r"Depends: (.*)", info).group(1)
    assert "libsqlite3-0" in depends and "libc6" in depends
    assert "swift" not in depends.lower()
    contents = subprocess.run(["dpkg-deb", "--contents", DEB], capture_output=True, text=True, check=True).stdout
    for path in [
        "./usr/lib/prisma-relay/prisma-relay",
        "./usr/bin/prisma-relay -> ../lib/prisma-relay/prisma-relay",
        "./usr/lib/prisma-relay/PrismaRelay_RelayServer.resources/Templates/layout.mustache",
        "./usr/lib/systemd/system/prisma-relay.service",
        "./usr/lib/sysusers.d/prisma-relay.conf",
        "./etc/prisma-relay/relay.yaml",
        "./usr/share/doc/prisma-relay/examples/relay.yaml",
    ]:
        assert path in contents, path
    conffiles = subprocess.run(["dpkg-deb", "--ctrl-tarfile", DEB], capture_output=True, check=True).stdout
    assert b"conffiles" in conffiles and b"postinst" in conffiles


def test_the_unit_passes_systemd_analyze_verify_and_is_hardened(root, tmp_path):
    unit = root / "usr/lib/systemd/system/prisma-relay.service"
    text = unit.read_text()
    for setting in [
        "Type=notify", "User=prisma-relay", "StateDirectory=prisma-relay", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ProtectHome=yes", "PrivateTmp=yes", "Restart=on-failure", "CapabilityBoundingSet=",
    ]:
        assert re.search(rf"^{re.escape(setting)}$", text, re.M), setting
    # verify resolves ExecStart's binary in the root it is given — the package's own — and needs what every system
    # has there too: systemd's targets, and the kill that ExecReload runs.
    system = tmp_path / "system"
    shutil.copytree(root, system, symlinks=True)
    for target in pathlib.Path("/usr/lib/systemd/system").glob("*.target"):
        shutil.copy(target, system / "usr/lib/systemd/system" / target.name)
    (system / "bin").mkdir(exist_ok=True)
    shutil.copy("/bin/kill", system / "bin/kill")
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={system}", "--man=no", "/usr/lib/systemd/system/prisma-relay.service"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stderr.strip() == "", result.stderr


def test_the_binary_needs_no_swift_toolchain(root):
    binary = root / "usr/lib/prisma-relay/prisma-relay"
    linked = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=BARE, check=True).stdout
    toolchain = str(pathlib.Path(shutil.which("swift")).resolve().parent.parent)
    assert toolchain not in linked, linked
    assert "libswift" not in linked and "libFoundation" not in linked and "not found" not in linked, linked
    version = subprocess.run([str(root / "usr/bin/prisma-relay"), "--version"], capture_output=True, text=True, env=BARE)
    assert version.returncode == 0, version.stderr
    assert re.fullmatch(r"prisma-relay \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(, modified)?\)\n", version.stdout), version.stdout


def test_the_packaged_binary_runs_the_demo_and_serves_its_console(root, tmp_path, build_resources_hidden):
    relay = str(root / "usr/bin/prisma-relay")
    demo = subprocess.run(
        [relay, "demo", "--once", "--data-dir", str(tmp_path / "demo"), "--alerts", "200"],
        capture_output=True, text=True, env=BARE, timeout=120)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    stored = re.search(r"^(\d+) events stored$", demo.stdout, re.M)
    assert stored and int(stored.group(1)) > 0, demo.stdout
    assert "status GREEN" in demo.stdout, demo.stdout

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # systemd's readiness socket, as Type=notify hands it to the service.
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(60)
    server = subprocess.Popen(
        [relay, "serve", "--port", str(port), "--database", str(tmp_path / "relay.sqlite"), "--config", str(root / "etc/prisma-relay/relay.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=BARE | {"NOTIFY_SOCKET": str(tmp_path / "notify")})
    try:
        assert notify.recv(256).decode().startswith("READY=1")
        page = None
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/console/login", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None, "serve did not answer"
        assert "<form" in page and "PrismaRelay" in page
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/console/assets/console.css", timeout=2).read()
        assert len(css) > 1000
    finally:
        server.terminate()
        server.wait(timeout=30)
        notify.close()
