"""The local HTTP server: loopback only, latency and payload per request, clear errors."""

import time
import urllib.error
import urllib.request

import psutil
import pytest

from tuiconc.engine.localserver import LocalServer


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def test_it_listens_on_loopback_only(server):
    listening = [c for c in psutil.Process(server.process.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)
    assert {c.laddr.port for c in listening} == {server.port}


def test_it_answers_with_the_payload_asked_for_after_the_latency(server):
    started = time.monotonic()
    with urllib.request.urlopen(f"{server.url}?latency_ms=200&bytes=12345", timeout=10) as reply:
        body = reply.read()
    assert reply.status == 200 and len(body) == 12345
    assert time.monotonic() - started >= 0.2  # a lower bound only: it must have waited


@pytest.mark.parametrize("query", ["latency_ms=-1", "bytes=abc", "latency_ms=99999999"])
def test_bad_parameters_get_a_400(server, query):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{server.url}?{query}", timeout=10)
    assert error.value.code == 400


def test_stopping_it_ends_its_process(server):
    pid = server.process.pid
    server.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_enough_listening_sockets_for_every_worker_to_queue(server):
    from tuiconc import tunables
    from tuiconc.arena import httpserver

    listening = [c for c in psutil.Process(server.process.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert len(listening) == server.listeners == httpserver.listener_count()
    if server.listeners > 1:  # SO_REUSEPORT spreads connections over the sockets (Linux)
        assert server.listeners * httpserver.effective_backlog() >= tunables.MAX_WORKERS


def test_every_listening_socket_answers(server):
    """Connections the kernel hands to any of the sockets are served (many connections reach all)."""
    replies = [urllib.request.urlopen(f"{server.url}?latency_ms=0&bytes=1", timeout=10) for _ in range(50)]
    assert all(reply.status == 200 and reply.read() == b"x" for reply in replies)
    for reply in replies:
        reply.close()


def test_the_asyncio_runner_reports_its_garbage_collector_time(server):
    from tuiconc.runners import Job, get_runner
    from tuiconc.workloads import Options, get_workload

    workload, runner = get_workload("http"), get_runner("asyncio")
    options = Options(latency_ms=10, payload_bytes=64, url=server.url)
    job = Job(workload, options, workload.plan(30, 30), 30, None, runner.make_board(30, None))
    workload.prepare(asynchronous=True)
    assert sum(runner.run(job)) == workload.expected(30, options)
    assert 0 <= job.extra["gc_full_ms"] <= job.extra["gc_ms"]
