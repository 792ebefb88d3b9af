"""preview.py (`samverkan serve`): serving output/site/ on 127.0.0.1, building nothing."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from samverkan import preview
from samverkan.cli import cli
from samverkan.errors import UsageProblem


def test_without_a_built_site_serve_says_how_to_build_it(tmp_path):
    done = CliRunner().invoke(cli, ["serve", "--no-watch", "--out", str(tmp_path / "output")])
    assert done.exit_code == 1 and "samverkan build site" in done.output and "Traceback" not in done.output


def test_serves_the_site_folder_only_on_the_loopback(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>start</p>", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    httpd = preview.server(tmp_path, 0)
    host, port = httpd.server_address[:2]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
            assert answer.read() == b"<p>start</p>"
        with pytest.raises(urllib.error.HTTPError) as info:      # the output folder is not served
            urllib.request.urlopen(f"http://127.0.0.1:{port}/../manifest.json", timeout=10)
        assert info.value.code == 404
        with pytest.raises(UsageProblem) as busy:                 # the port is taken
            preview.server(tmp_path, port)
        assert "--port" in busy.value.message
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- only regular files under site/ (issue 24) --------------------------------------------------

@pytest.fixture(params=["serve --no-watch", "serve"])
def served(tmp_path, request):
    """A project's output folder with a site, something beside it, and a server on it, as
    `serve --no-watch` and the live `serve` (live.py) make it: (base url, output folder, tmp_path)."""
    out = tmp_path / "output"
    site = out / "site"
    (site / "kommuner").mkdir(parents=True)
    (site / "filer").mkdir()
    (site / "index.html").write_text("<p>start</p>", encoding="utf-8")
    (site / "kommuner" / "index.html").write_text("<p>kommuner</p>", encoding="utf-8")
    (site / "stor.bin").write_bytes(b"x" * 8_000_000)
    (out / "manifest.json").write_text('{"files": []}', encoding="utf-8")
    beside = tmp_path / "beside"
    beside.mkdir()
    (beside / "hemlig.txt").write_text("hemlig", encoding="utf-8")
    if request.param == "serve":
        from samverkan import live

        state = live.State()
        httpd = live.server(out, 0, state)
    else:
        httpd = preview.server(out, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", out, tmp_path
    if request.param == "serve":
        state.close()
    httpd.shutdown()
    httpd.server_close()


def status_of(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def raw_request(base: str, line: bytes) -> bytes:
    """What the server answers to one request line sent as it is (urllib would quote it)."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(line + f"\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_links_out_of_the_site_folders_without_an_index_and_pipes_are_404(served, capfd):
    import os

    base, out, root = served
    site = out / "site"
    os.symlink("/etc/passwd", site / "passwd")
    os.symlink(root / "beside", site / "bredvid")
    os.symlink(root / "beside" / "hemlig.txt", site / "filer" / "hemlig.txt")
    os.symlink("../manifest.json", site / "manifest.json")
    os.symlink("../../output", site / "filer" / "allt")
    os.symlink("index.html", site / "start.html")            # a link that stays inside is served
    os.mkfifo(site / "ror")
    for path in ["/passwd", "/bredvid/hemlig.txt", "/bredvid/", "/filer/hemlig.txt", "/manifest.json",
                 "/filer/allt/manifest.json", "/filer/allt/site/index.html", "/filer/", "/ror",
                 "/index.html/", "/finns-inte.html", "/%2e%2e/manifest.json"]:
        assert status_of(base + path)[0] == 404, path
    assert status_of(base + "/start.html") == (200, b"<p>start</p>")
    assert status_of(base + "/kommuner/") == (200, b"<p>kommuner</p>")
    assert status_of(base + "/kommuner") == (200, b"<p>kommuner</p>")           # redirected to kommuner/
    assert status_of(base + "/index.html", "HEAD") == (200, b"")
    assert status_of(base + "/", "POST")[0] == 501
    shown = capfd.readouterr()
    assert "Traceback" not in shown.out + shown.err
    assert (root / "beside" / "hemlig.txt").read_text(encoding="utf-8") == "hemlig"   # nothing outside changed


def test_odd_requests_are_http_errors_and_cancelled_ones_are_silent(served, capfd):
    import socket

    base, _out, _root = served
    assert raw_request(base, b"GET /index.html%00.txt HTTP/1.0").startswith(b"HTTP/1.0 400")
    assert raw_request(base, b"GET /%ff%fe HTTP/1.0").startswith(b"HTTP/1.0 400")
    assert raw_request(base, b"GET /a\\..\\manifest.json HTTP/1.0").startswith(b"HTTP/1.0 400")
    assert raw_request(base, b"GET //example.org/%2e%2e HTTP/1.0").startswith(b"HTTP/1.0 404")
    assert raw_request(base, b"GET /" + b"a" * 5000 + b" HTTP/1.0").startswith(b"HTTP/1.0 404")
    assert raw_request(base, b"GET /kommuner?x=1 HTTP/1.0").split(b"\r\n\r\n")[0].count(
        b"Location: /kommuner/") == 1
    assert raw_request(base, b"GET /\x1b[2J HTTP/1.0").startswith(b"HTTP/1.0 404")
    host, port = base.removeprefix("http://").split(":")
    for _ in range(3):                      # the browser cancels a download after its first bytes
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(f"GET /stor.bin HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
            connection.recv(1024)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert status_of(base + "/index.html") == (200, b"<p>start</p>")          # still serving
    shown = capfd.readouterr()
    assert "Traceback" not in shown.out + shown.err and "Error" not in shown.out + shown.err, shown
    assert "\x1b" not in shown.out and "\\x1b[2J" in shown.out


# --- only requests addressed to the server: DNS rebinding ------------------------------------------

def asked_as(base: str, host: str | None, path: str = "/", method: str = "GET") -> tuple[int, str, bytes]:
    """Status, Content-Type and body of the answer to a request sent to the server with `host` as
    its Host header (None: without one), as a browser sends it for a page of that host."""
    import http.client

    address, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(address, int(port), timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type", ""), answer.read()
    finally:
        connection.close()


def test_a_page_of_another_host_rebound_to_127_0_0_1_reads_nothing(served, capfd):
    """A web page of evil.example whose name the attacker's DNS now resolves to 127.0.0.1 asks
    the preview as evil.example: refused with where the preview is, and nothing of the site (the
    pages, the files, serve's script and its event stream), whatever it asks and how."""
    from samverkan import live

    base, _out, _root = served
    port = int(base.rsplit(":", 1)[1])
    where = f'<a href="http://127.0.0.1:{port}/">http://127.0.0.1:{port}/</a>'
    for host in ["evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"localhost:{port + 1}",
                 f"127.0.0.1:{port + 1}", f"localhost:{port}@evil.example", f"[::1]:{port}0", "", None]:
        for path in ["/", "/index.html", "/kommuner/", "/stor.bin", "/finns-inte.html", live.SCRIPT,
                     f"{live.EVENTS}?page=/&build=0"]:
            status, kind, body = asked_as(base, host, path)
            assert (status, kind) == (403, "text/html; charset=utf-8"), (host, path)
            text = body.decode("utf-8")
            assert f"Öppna den på {where}." in text and f"Open it at {where}." in text, (host, path)
            for of_the_site in [b"start", b"kommuner", b"xxxx", b"EventSource", b"retry:"]:
                assert of_the_site not in body, (host, path)
            assert asked_as(base, host, path, "HEAD") == (403, "text/html; charset=utf-8", b"")
        assert asked_as(base, host, "/", "POST")[0] == 403
    # two Host headers, one of them the server's: not addressed to it alone
    assert raw_request(base, b"GET / HTTP/1.1\r\nHost: evil.example").startswith(b"HTTP/1.0 403")
    assert "Traceback" not in capfd.readouterr().err


def test_the_preview_answers_at_127_0_0_1_and_localhost_with_or_without_its_port(served):
    base, _out, _root = served
    port = int(base.rsplit(":", 1)[1])
    for host in [f"127.0.0.1:{port}", "127.0.0.1", f"localhost:{port}", "localhost", f"LocalHost:{port}",
                 f"[::1]:{port}", "[::1]"]:
        assert asked_as(base, host, "/index.html") == (200, "text/html", b"<p>start</p>"), host
        assert asked_as(base, host, "/kommuner/")[2] == b"<p>kommuner</p>", host


def test_a_site_folder_that_is_a_link_elsewhere_is_not_served(tmp_path):
    import os

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "output").mkdir()
    os.symlink(elsewhere, tmp_path / "output" / "site")
    done = CliRunner().invoke(cli, ["serve", "--no-watch", "--out", str(tmp_path / "output")])
    assert done.exit_code == 1 and "is a link to" in done.output and "Traceback" not in done.output
