"""The same seed gives the same samples however the run is sliced and on whichever thread it runs;
two Sessions never share a noise stream (the kernel's noise is counter-based, per Session)."""
import threading

import numpy as np
import pytest

from rig import RunLoop, Session


def noisy(seed=3, **controls):
    return Session(preparation="neuron", seed=seed, sample_rate_hz=10000, noise_V_mV=0.3, hold_pA=150.0,
                   **controls)


def test_slicing_does_not_change_the_samples():
    whole, sliced = noisy(), noisy()
    whole.run(0.5)
    for _ in range(5):
        sliced.run(0.1)
    assert np.array_equal(whole.trace()["V_mV"], sliced.trace()["V_mV"])


def test_the_seed_chooses_the_noise():
    a, b, c = noisy(seed=3), noisy(seed=3), noisy(seed=4)
    for s in (a, b, c):
        s.run(0.05)
    assert np.array_equal(a.trace()["V_mV"], b.trace()["V_mV"])
    noise = a.trace()["V_mV"] - c.trace()["V_mV"]
    assert 0.3 * np.sqrt(2) == pytest.approx(noise[:200].std(), rel=0.2)  # two independent streams


@pytest.mark.parametrize("speed", [None, 50.0, 7.0])  # as fast as it goes, time-lapses cut by wall time
def test_a_run_loop_records_what_the_main_thread_records(speed):
    main = noisy()
    loop = RunLoop(noisy(), speed=speed)
    loop.start()
    while loop.session.t_s < 0.5:
        threading.Event().wait(0.01)
    loop.pause()  # and resumed: the run goes on as if never interrupted
    loop.resume()
    while loop.session.t_s < 1.0:
        threading.Event().wait(0.01)
    loop.stop()
    main.run_to(loop.session.t_s)
    assert np.array_equal(main.trace()["V_mV"], loop.session.trace()["V_mV"])
    assert np.array_equal(main.cell.y, loop.session.cell.y)


def test_two_sessions_on_two_threads_do_not_disturb_each_other():
    alone = noisy()
    alone.run(0.3)
    pair = [noisy(), noisy(seed=9)]
    threads = [threading.Thread(target=s.run, args=(0.3,)) for s in pair]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.array_equal(alone.trace()["V_mV"], pair[0].trace()["V_mV"])
