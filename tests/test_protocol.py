import pytest

from tuiconc.arena import protocol

MESSAGES = [
    protocol.Started(pid=1, python="3.11.7", implementation="CPython", gil_enabled=True, runner="threading",
                     workers=4, start_method=None, total=100, origin=12.5, bucket_s=0.001, switch_interval_s=0.005),
    protocol.Progress(done=5, per_worker=[1, 2, 2, 0]),
    protocol.Activity(workers={"0": [[3, 256], [4, 512]], "2": [[9, 1]]}),
    protocol.Finished(answer=78498, wall_s=1.5, first_task_at=12.0, cpu_s=1.4, peak_rss_bytes=1 << 20),
    protocol.Error(message="worker process 7 was killed by SIGKILL"),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_messages_survive_a_round_trip(message):
    line = protocol.encode(message)
    assert line.endswith("\n") and line.count("\n") == 1
    assert protocol.decode(line) == message


@pytest.mark.parametrize("line", ["", "not json", "[]", '{"v":1,"type":"nope"}', '{"v":1,"type":"progress"}',
                                  '{"v":99,"type":"error","message":"x"}', '{"type":"error","message":"x"}'])
def test_anything_else_is_a_protocol_error(line):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(line)
