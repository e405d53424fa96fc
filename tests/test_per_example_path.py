"""The per-example path (SRNs, several events and ticks, hooks) gives the
same float32 bits after its speed-ups as before them: every weight, the
training error and the test report, against values recorded with the code as
it was before (run this file as a script to print the records again)."""
import sys

import numpy as np
import pytest

import lens_examples

from lens_py import Lens

SEQUENCE = lens_examples.path("sequence.ex")

TWO_EVENTS = """defI: 0
defT: 0
name: a 2
I: 1 0 0 1 T: 1 0
I: 0 1 1 0 T: 0 1;
name: b 2
I: 1 1 0 0 T: 0 1
I: 0 0 1 1 T: 1 0;
name: c 3
I: 1 0 1 0 T: 1 1
I: 0 1 0 1 T: 0 0
I: 1 1 1 1 T: 1 0;
"""

SCENARIOS = {
    # Elman context, SOFT_MAX output (divergence), Doug's momentum
    "srn_softmax": """seed 2
addNet seq -i 9 6 10 ELMAN 6 SOFT_MAX
loadExamples {SEQUENCE} -exmode PERMUTED
train 3 -report 1
""",
    # logistic output with cross entropy, backpropTicks 2 (history restores)
    "srn_bptt2": """seed 5
addNet seq -i 9 6 10 ELMAN 6
setObj backpropTicks 2
loadExamples {SEQUENCE}
setObj learningRate 0.05
train 3 -a steepest -report 1
""",
    # two ticks per interval, 2-3 events, TANH hidden, SSE with a target
    # radius, a tick hook (which alone forces the per-example path)
    "two_events": """seed 7
addNet two -i 3 -t 2 4 5 TANH 2 OUTPUT
loadExamples {TWO} -exmode RANDOMIZED
setObj learningRate 0.05
setObj output.targetRadius 0.1
setObj preTickProc {{set x 1}}
train 4 -a momentum -report 1
""",
    # grace periods, a second hidden layer after an Elman context, logistic
    # output with cross entropy and an error scale, criteria, pseudoExampleFreq
    "grace_ce": """seed 11
addNet g -i 3 -t 2 4 5 ELMAN 3 2 CROSS_ENTROPY
loadExamples {TWO} -exmode PERMUTED
setObj two.graceTime 0.5
setObj trainGroupCrit 0.4
setObj testGroupCrit 0.4
setObj output.errorScale 0.7
setObj pseudoExampleFreq 1
train 3 -report 1
""",
}


def run_scenario(name, tmp_dir):
    import io
    two = f"{tmp_dir}/two.ex"
    with open(two, "w") as f:
        f.write(TWO_EVENTS)
    if "{SEQUENCE}" in SCENARIOS[name] and SEQUENCE is None:
        pytest.skip("Lens's sequence.ex is not here")
    out = io.StringIO()
    lens = Lens(stdout=out)
    lens(SCENARIOS[name].format(SEQUENCE=SEQUENCE, TWO=two))
    weights = {}
    for g in lens.net.groups:
        for p in g.incoming:
            weights[f"{p.sender.name}->{g.name}"] = p.weight.astype(np.float32).tobytes().hex()
    error = lens("getObj error")
    lens("test")
    report = [line for line in out.getvalue().splitlines()
              if not line.lstrip().startswith(("Total time", "__Update"))
              and ")" not in line[:9]]
    updates = [line[:40] for line in out.getvalue().splitlines() if ")" in line[:9]]
    return {"weights": weights, "error": error, "report": report, "updates": updates,
            "plan": getattr(lens.net, "_tick_plan", None)}


# recorded with the code before the speed-ups (commit 57b6540's engine)
RECORDED = {'grace_ce': {'error': '3.507927',
               'report': ["Performing 3 updates using Doug's Momentum...",
                          'Test results on 3 examples, 14 ticks:',
                          '                     Network     ',
                          'Error total:         3.38209',
                          'Error per example:   1.12736',
                          'Error per tick:      0.24158',
                          'Unit cost per tick:  0.00000',
                          'Output unit criterion reached on 0 examples (0.00%)'],
               'updates': ['      1)   3.73108   0.00000   12.0099  ',
                           '      2)   3.64430   0.00000   11.9233  ',
                           '      3)   3.50793   0.00000   11.8629  '],
               'weights': {'bias->hidden': '1d2161bf8b93523e8f391e3f3e780b3ea1c02cbf',
                           'bias->hidden2': '221ca6bd6e4056bf2283783f',
                           'bias->output': 'e4c2efbeea79b83e',
                           'context->hidden': '6b6e78bf6b59f2bef774df3e604bdfbe04e6843e7d6dd93e594023bf5a18233f5d5680bea59fc83e5d4c2d3fc4e4b3bea87c8f3d56ab3fbfd0fe0d3f8dd16dbf95f34e3e2c6a9bbeaef1523fa1a68cbe34fe573f6c2a373fcdbee53d0dd70d3fadf73abf',
                           'hidden->hidden2': '85fa723f75a521bf78b0323fc6b838bfb2d1323e368589bd5db7d53e14c13b3ee306eb3dff2e00beaa21d73e9a604fbfc636453e643ccc3e6af8a43e',
                           'hidden2->output': '4785a23ee4693e3fbc38b73e16a7afbe5af161be5178e1bd',
                           'input->hidden': '963956bdf5b149bf6de64a3fee4f203f71d7243f5c03d93e3f372e3f5b4273bf808aaa3df1653fbe347b89befed237bfd6cf243fb03176bf93ba4c3fb091343f818e0d3ef950293f82a3f33d38a39fbe'}},
'srn_bptt2': {'error': '10091.97',
               'report': ['Performing 3 updates using Steepest Descent...',
                          'Test results on 60 examples, 540 ticks:',
                          '                     Network     ',
                          'Error total:         6522.77',
                          'Error per example:   108.713',
                          'Error per tick:      12.0792',
                          'Unit cost per tick:  0.00000',
                          'Output unit criterion reached on 0 examples (0.00%)'],
               'updates': ['      1)   3323.19   0.00000   2835.67  ',
                           '      2)   7677.68   0.00000   2797.15  ',
                           '      3)   10092.0   0.00000   3190.18  '],
               'weights': {'bias->hidden': 'a6e145c018e48f406add57c0a88af7c0d5ea83c137abdbc092e605404ad905c0961652c04dad82c0',
                           'bias->output': '9038fcc0248205c1f42fa1c11e9c7bc0bed189c050d608c0',
                           'context->hidden': 'fbf2c4bfd263eebf78c488bf4dd281bf069da1be81cd10c0a6bfe2bfd87bdbbfe6eb1fc09f4603bf3558d73f62af213fe853fa3f7b240d40e309ea3fc23e0e4098d8f03f54296040ec21394026c04e4097d0a8bf51e488bfe062d2bf078c9fbfc64987bff61301c07e7405c07f9e12bffbd1febfafa7c2bfe38da1c0d1212fc02edd5dc0121987c0038db0bff3bb80c0b4b8bac0ee7d89c00d2dcdc0814696c059c624bfe35f5ec1b6e337bfa08892bf3c3023c15d5870c1bce763c1120d79bf7169d6bfd91735bf97d0b5be9cdedac0f3c3393fa3202bbdc590afc0dc1efcc0c368c7c0325e7e3f8d029e3f5d137c3fb9cfc03f5cc3f5be78cdb13f70327c3f0a37603f5fcfcf3f0c67f33fd56e0340fde30f408c69104076a4a3bf482c30c0572531bf0eef0ebecbefd9bf3621c1bfea1f1cc0e37d8bbf7f988abfdb078ebf2ba2a4bfa784e9bf588e07be9f6864bf3e1ffbbfb7b47fc018c925c0dbe84dbfe6031cc0278d11bfcf6dc7bfc5b3fbbffb2fafbf5f5bbfbff16dbcbe78501ec0438df0bffbd50fc0789d79c009fc4ac0',
                           'hidden->output': '1e2725c11a0116407d81fbc0177e35c1cc78c1bfe449e5c056fc26c0e9b521c1806861c1b52914c1297f24c1a88d54401180d8c001b73cc13c3e2ebfa0240dc1c40666c0f5152dc1a4f470c18ee628c1d8b2c73e2cf09dc13925f53e308fbcbeca4cc03feeef3740b9f09dc14f9634bf8c6e7ebf0048e5bed755e9c050f1ac402ee28ac035ffe7c04c9d27bfeecf71c07096e73e8d01fbc08b0719c1bffec2c0a4c2f5c03ea7914046c5c2c046b402c1fecad53c2e71a4c028f5a2bf2f5f18c113513cc187f5e1c05cb117c1cb80e44040afc2c0b40b19c12f97163f9b9a89c0dc329b3f5f622bc1dedd5dc155fe02c1',
                           'input->hidden': '5f1157bff044783d6fbadebfbaf684bf72daf5be5d1172bf600f9a3fe663033f02e9453f690072be60336dbd54c7bebe1ea3dbbdabf9a7bfed31e8be78ba8dbfcbf7f1bee12e1dbf9badedbeadf5afbe113982bfe6f50dc01a4897bf3580ec3d2c58b8bfc02180c00e3cfdbfb50f2ec09fb362c0a7d0203fceffb9bf7f081fbf25f0e8bf70faf8bf136608c0c13143bfbe653bbf64fb7c3f003149baa0d7363f30eb2b3f633e2c3d4f6268be55f69ebfc3499dbf54f4b2bffee9fb3d662e173f4d23a6be39db92bf2d96adbe033988be677955bf30a3263fb7c306bfd05c29bff5a32cbfd2ee183eaa0d4c3ecf61503f'}},
 'srn_softmax': {'error': '1196.419',
                 'report': ["Performing 3 updates using Doug's Momentum...",
                            'Test results on 60 examples, 540 ticks:',
                            '                     Network     ',
                            'Error total:         1097.21',
                            'Error per example:   18.2868',
                            'Error per tick:      2.03187',
                            'Unit cost per tick:  0.00000',
                            'Output unit criterion reached on 0 examples (0.00%)'],
                 'updates': ['      1)   1363.89   0.00000   37.4290  ',
                             '      2)   1298.63   0.00000   37.2423  ',
                             '      3)   1196.42   0.00000   37.0274  '],
                 'weights': {'bias->hidden': '3507d63d30e72d3faebf053ecdda193f702a5ebf3e1e8a3ef92d3fbfe53b0bbfba83ebbe7886a5be',
                             'bias->output': 'd54265bf08e1e9bef72320bf8b59af3d9d1e85becef23abf',
                             'context->hidden': 'cc42b03e2718073d814c3cbf23a97e3f02d13abd61a0073ff46d573f5db5dc3e359851bfa5fa733facff2ebea49600be6f6f8fbe6ee4f2be603c09bfd7886b3fd68e70be44a5703fb6ef14bf5df0533fffcaecbecd40c53dc5b615be4b7591be78881f3f301a3d3f83e6543e04b7583f0e6531be0a0b46bfae53c7be95a78fbefbb347beb721733f929e44bf35b325bf3056f13dcb0466bfae5b14bf078dc93ec006133ee3c00a3d6302133fccecbb39a970ef3e067ca93e54fd5f3f6066403df3b8903e9d65433f0caeee3e9366723eabb34e3e132549bf435f633f1d4c3fbf4594dbbe1525cf3edbf7e63e5ada5c3fecaa793e493c633f58300bbfceafc53ef040e9bede61393f270a1c3fa927843ea93963bdc5bdeebd75c6423f342a5dbfa803283fe27f113d18c1f03dbc7f66bf9ff546bf052b2e3e22bd8cbec8e23bbf1acb2bbfb02ff63ef215693fa09aefbe143fafbe0a8d283fd5afbdbe448dea3eef11453f4d3abcbdef3ec2beaddfaabe76d315bfb79893bd02571c3f0e8f73bf108531bfffbd3ebfa938a43d5ad673bf',
                             'hidden->output': '406b3b3ecceb673fbbd716bffe993b3f7edb46bf2c3fdfbeb8a45d3f69e969bf26c6353f193a0d3fff4adb3ecd1bcdbda18b8ebff1182d3f3c9884bee5cf4f3f305a273c9c70fe3e23fe4d3f2c80713e4ce7b1bd7ca239be63c158bf26de0e3fb08e12bfc8de0cbe0340e83ecf0178bf0c0011bf6b81f83d1e1929bf569131bd11a31abe4f7bc33ee1a04bbf4e9b563fc023b9be16efbfbee96c5bbfc86fab3da8c6b83e9e32d3be83be17bfa9eb16bdf1999b3e17ce41be215a54be41212bbf637fd83e49ffe43d8ec6443feb0c1c3fda59d43d536f6abf794a97bd62aacfbd5957f03ea5481abf81290abd5f595dbf',
                             'input->hidden': '3443e13ebf540e3e66d584bdc22462bf0d33bc3e1e629ebea417133f69cb75bee4d559bf38d5f23e0ec61f3f69e6153f78fa703f8a30283e6c58fc3e12c3893ef5de2bbfd699ab3e7669183e4650dbbecb4b4fbf6d54063faf18d1be3d63efbc259bc13eae6fe3be30e748bf85c13b3ffc5465beea9bafbe8d93b23d765061bdd8895f3fc2d91ebfe5dd753ff9b54d3f8406743f34560d3e787c213fc1642cbe35d545be2de4713fe86f503fa49dcc3e8d5bbbbc2fc0933ee3c8113f2d13073fc536013f849c633fb766febe73291c3edd3bdcbe5b6052bdc9411d3fc48cbdbee23accbd4b5adebe99878a3e66f712bf'}},
 'two_events': {'error': '6.452475',
                'report': ['Performing 4 updates using Momentum Descent...',
                           'Test results on 3 examples, 12 ticks:',
                           '                     Network     ',
                           'Error total:         4.46534',
                           'Error per example:   1.48845',
                           'Error per tick:      0.37211',
                           'Unit cost per tick:  0.00000',
                           'Output unit criterion reached on 0 examples (0.00%)'],
                'updates': ['      1)   6.90144   0.00000   6.05739  ',
                            '      2)   6.15124   0.00000   6.06766  ',
                            '      3)   5.32106   0.00000   6.37922  ',
                            '      4)   6.45247   0.00000   6.67994  '],
                'weights': {'bias->hidden': '2fd3adbef3c8043f8e7d7abf5ad444bf7c3b05bf',
                            'bias->output': '4cd7a8be66ba71bd',
                            'hidden->output': 'a7e4253fc66ba93d20c9d73eb1f26dbf4e0943bf22ebec3ed0cb90bc5e8cfb3de732a83eea416ebf',
                            'input->hidden': 'f94e5a3f4c20a2be28421f3f00a1313d5ea10a3e423f0f3f2f26c7bd77bb0d3fbb476dbf6eec5abdc0b205bfd0c66cbcfd567fbf5c0b463f35e9d03eeb8ef9be196b6bbf3f2d52bfe58784bfed10e73e'}}}


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_bits_as_before(name, compiled, tmp_path, monkeypatch):
    from lens_py.engine.compiled import example as fastexample
    if compiled:
        if not fastexample.wait_ready():
            pytest.skip("numba is not available")
    else:
        monkeypatch.setattr(fastexample, "ENABLED", False)
    got = run_scenario(name, tmp_path)
    # the compiled tick ran
    assert (got["plan"] is not None) == compiled
    want = RECORDED[name]
    assert got["error"] == want["error"]
    assert got["updates"] == want["updates"]
    assert got["report"] == want["report"]
    assert sorted(got["weights"]) == sorted(want["weights"])
    for key, hexed in want["weights"].items():
        w = np.frombuffer(bytes.fromhex(hexed), dtype=np.float32)
        g = np.frombuffer(bytes.fromhex(got["weights"][key]), dtype=np.float32)
        assert np.array_equal(g, w), (key, np.flatnonzero(g != w)[:5])


if __name__ == "__main__":     # print the records (run before changing the engine)
    import pprint
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        pprint.pprint({n: {k: v for k, v in run_scenario(n, d).items() if k != "plan"}
                       for n in sorted(SCENARIOS)}, width=100,
                      stream=sys.stdout)


# Procedures the recorded scenarios leave out, compiled against forward.py
# (which the recorded scenarios and the other engine tests pin down).
PATHS_AGREE = """seed 3
addNet lin -i 3 -t 2 4 6 TANH 3 ELMAN 2 LINEAR SUM_SQUARED
loadExamples {TWO} -exmode PERMUTED
setObj output.zeroErrorRadius 0.05
setObj output.targetRadius 0.02
setObj hidden.gain 1.5
setObj postTickProc {{set y 2}}
train 4 -a steepest -report 1
"""


def test_compiled_tick_agrees_with_numpy(tmp_path, monkeypatch):
    from lens_py.engine.compiled import example as fastexample
    if not fastexample.wait_ready():
        pytest.skip("numba is not available")
    SCENARIOS["paths_agree"] = PATHS_AGREE
    try:
        fast = run_scenario("paths_agree", tmp_path)
        monkeypatch.setattr(fastexample, "ENABLED", False)
        slow = run_scenario("paths_agree", tmp_path)
    finally:
        del SCENARIOS["paths_agree"]
    assert fast["plan"] is not None and slow["plan"] is None
    assert fast["weights"] == slow["weights"]
    assert (fast["error"], fast["updates"], fast["report"]) == \
        (slow["error"], slow["updates"], slow["report"])
    assert float(fast["error"]) > 0


def test_examples_after_batch_training_and_reset(monkeypatch):
    # nets/xor.in's pattern: batch training (which rebuilds the groups'
    # state arrays), then single examples, resetNet, again; the compiled
    # tick's plan must notice the new arrays (it once compared them with ==)
    from lens_py.engine.compiled import batch as fastpath, example as fastexample
    if not fastexample.wait_ready() or not fastpath.ready(wait=True):
        pytest.skip("numba is not available")
    script = """seed 1
addNet xor 2 2 1
loadExamples {XOR}
set out {}
foreach rate {0.5 0.2} {
    seed 1
    resetNet
    setObj learningRate $rate
    train 30 -report 0
    for {set i 0} {$i < 4} {incr i} {
        doExample $i -test
        lappend out [getObj output:0.output]
    }
}
set out
""".replace("{XOR}", "{" + lens_examples.xor() + "}")

    def run():
        lens = Lens()
        return lens(script), lens.net.gather_links("weight")
    fast_out, fast_w = run()
    monkeypatch.setattr(fastexample, "ENABLED", False)
    monkeypatch.setattr(fastpath, "ENABLED", False)
    slow_out, slow_w = run()
    assert fast_out == slow_out and len(fast_out.split()) == 8
    assert np.array_equal(fast_w, slow_w)
