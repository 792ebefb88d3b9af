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
