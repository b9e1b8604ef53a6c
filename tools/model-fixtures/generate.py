#!/usr/bin/env python3
"""Writes the tiny ONNX model packs the neural-engine tests load (tests/fixtures/models/).

The models have random weights (fixed seed) and no speech quality at all. What they keep from the real families
(docs: /work/shared/reference/MODEL_FORMATS.md, summarized in docs/neural-engines.md) is the contract the C# engines
depend on: input/output names, dtypes, ranks, dynamic axes, and outputs that depend deterministically on every
input (tokens, scales, speaker, style, speed). There are no random ops in the graphs, so runs are reproducible.

Run from the repository root with Debian's packages (apt-get install -y python3-onnx python3-numpy):

    /usr/bin/python3 tools/model-fixtures/generate.py

The output is committed, so the tests need no Python. Re-running it rewrites identical files.
"""

import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "models")

PIPER_HOP = 256  # samples per phoneme id in the fixture (VITS hop_length of real voices)
KOKORO_HOP = 300  # samples per token in the fixture (iSTFTNet 10*6*5 of the real model)
KOKORO_STYLE = 256
KOKORO_PACK_ROWS = 510


def rng(seed):
    return np.random.default_rng(seed)


def quantized(r, shape, scale):
    # Multiples of 1/32: random enough for distinct outputs, and they compress well in git.
    return (np.round(r.standard_normal(shape) * 32 * scale) / 32).astype(np.float32)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(model, path):
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------------------------------------- Piper


def int8_weight(name, weights):
    """QDQ int8 weight (what onnxruntime's quantizer writes for weight-only int8): an int8 initializer,
    its scale and zero point, and a DequantizeLinear node giving the float weight `name`."""
    scale = np.float32(np.abs(weights).max() / 127.0 or 1.0)
    q = np.clip(np.round(weights / scale), -127, 127).astype(np.int8)
    inits = [const(name + "_q", q), const(name + "_scale", np.array(scale, dtype=np.float32)), const(name + "_zero", np.array(0, dtype=np.int8))]
    return inits, helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"], [name])


def piper_model(seed, num_speakers, output_rank, input_dtype=TensorProto.INT64, int8=False):
    """VITS-shaped: input [B,N] int64, input_lengths [B] int64, scales [3] float, sid [B] int64 when
    multi-speaker; output float [B,1,1,N*256] (rank 4, as the real export) or [B,1,N*256]. With int8 the
    two large weight matrices are stored as QDQ int8 (inputs and outputs stay as in the fp32 export)."""
    r = rng(seed)
    hidden = 64
    emb = quantized(r, (256, 16), 0.5)  # drawn in the fp32 fixtures' order, so they stay byte for byte
    w1 = quantized(r, (16, hidden), 0.4)
    w_scales = quantized(r, (3, hidden), 0.5)
    w2 = quantized(r, (hidden, PIPER_HOP), 0.3)
    qdq_nodes = []
    if int8:
        inits = [const("emb", emb), const("w_scales", w_scales)]
        for name, weights in (("w1", w1), ("w2", w2)):
            weight_inits, node = int8_weight(name, weights)
            inits += weight_inits
            qdq_nodes.append(node)
    else:
        inits = [
            const("emb", emb),
            const("w1", w1),
            const("w_scales", w_scales),
            const("w2", w2),
        ]
    inits += [
        const("axes0", np.array([0], dtype=np.int64)),
        const("len_gain", np.array(0.001, dtype=np.float32)),
        const("len_shape", np.array([-1, 1, 1], dtype=np.int64)),
        const("out_gain", np.array(0.8, dtype=np.float32)),
        const("out_shape", np.array([0, 1, 1, -1] if output_rank == 4 else [0, 1, -1], dtype=np.int64)),
    ]
    nodes = list(qdq_nodes)
    token_input = "input"
    if input_dtype != TensorProto.INT64:
        # Only for the invalid fixture: a model whose `input` is not int64.
        nodes.append(helper.make_node("Cast", ["input"], ["input_i64"], to=TensorProto.INT64))
        token_input = "input_i64"
    nodes += [
        helper.make_node("Gather", ["emb", token_input], ["e"], axis=0),
        helper.make_node("MatMul", ["e", "w1"], ["h0"]),
        helper.make_node("Unsqueeze", ["scales", "axes0"], ["sc"]),
        helper.make_node("MatMul", ["sc", "w_scales"], ["sc_h"]),
        helper.make_node("Add", ["h0", "sc_h"], ["h1"]),
        helper.make_node("Cast", ["input_lengths"], ["len_f"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["len_f", "len_shape"], ["len3"]),
        helper.make_node("Mul", ["len3", "len_gain"], ["len_term"]),
        helper.make_node("Add", ["h1", "len_term"], ["h2"]),
    ]
    last = "h2"
    inputs = [
        helper.make_tensor_value_info("input", input_dtype, ["batch_size", "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, ["batch_size"]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if num_speakers > 1:
        inits.append(const("speakers", quantized(r, (num_speakers, hidden), 0.8)))
        inits.append(const("axes1", np.array([1], dtype=np.int64)))
        nodes += [
            helper.make_node("Gather", ["speakers", "sid"], ["spk"], axis=0),
            helper.make_node("Unsqueeze", ["spk", "axes1"], ["spk3"]),
            helper.make_node("Add", [last, "spk3"], ["h3"]),
        ]
        last = "h3"
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, ["batch_size"]))
    nodes += [
        helper.make_node("Tanh", [last], ["t"]),
        helper.make_node("MatMul", ["t", "w2"], ["frames"]),
        helper.make_node("Tanh", ["frames"], ["frames_t"]),
        helper.make_node("Mul", ["frames_t", "out_gain"], ["wave"]),
        helper.make_node("Reshape", ["wave", "out_shape"], ["output"]),
    ]
    out_dims = ["batch_size", 1, 1, "time"] if output_rank == 4 else ["batch_size", 1, "time"]
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_dims)]
    graph = helper.make_graph(nodes, "piper_fixture", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], producer_name="voiceagent-fixtures")
    model.ir_version = 8
    return model


def piper_config(sample_rate, quality, speakers):
    with open(os.path.join(HERE, "piper_default_phoneme_id_map.json"), encoding="utf-8") as f:
        id_map = json.load(f)
    config = {
        "dataset": "voiceagent-fixture",
        "audio": {"sample_rate": sample_rate, "quality": quality},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": id_map,
        "num_symbols": 256,
        "num_speakers": max(1, len(speakers)),
        "speaker_id_map": {name: i for i, name in enumerate(speakers)},
        "piper_version": "1.0.0",
    }
    return config


def write_piper(root):
    pack = os.path.join(root, "piper")
    voices = [
        # id, seed, speakers, output rank, rate, quality
        ("en_US-fixture-low", 11, [], 4, 16000, "low"),
        ("en_US-fixturemulti-medium", 12, ["alice", "bob", "carol", "dave"], 3, 22050, "medium"),
    ]
    for voice_id, seed, speakers, rank, rate, quality in voices:
        save(piper_model(seed, len(speakers), rank), os.path.join(pack, voice_id + ".onnx"))
        write_json(os.path.join(pack, voice_id + ".onnx.json"), piper_config(rate, quality, speakers))
    write_json(
        os.path.join(pack, "manifest.json"),
        {
            "engine": "piper",
            "voices": [{"id": v[0], "model": v[0] + ".onnx", "config": v[0] + ".onnx.json"} for v in voices],
        },
    )

    # An int8 (QDQ) export of a voice: it must load and run like the fp32 ones.
    int8_pack = os.path.join(root, "piper-int8")
    save(piper_model(14, 0, 4, int8=True), os.path.join(int8_pack, "en_US-fixtureint8-low.onnx"))
    write_json(os.path.join(int8_pack, "en_US-fixtureint8-low.onnx.json"), piper_config(16000, "low", []))
    write_json(os.path.join(int8_pack, "manifest.json"), {"engine": "piper", "voices": [{"id": "en_US-fixtureint8-low", "model": "en_US-fixtureint8-low.onnx"}]})

    bad = os.path.join(root, "invalid", "piper-float-input")
    save(piper_model(13, 0, 4, input_dtype=TensorProto.FLOAT), os.path.join(bad, "en_US-bad-low.onnx"))
    write_json(os.path.join(bad, "en_US-bad-low.onnx.json"), piper_config(16000, "low", []))
    write_json(os.path.join(bad, "manifest.json"), {"engine": "piper", "voices": [{"id": "en_US-bad-low", "model": "en_US-bad-low.onnx"}]})


# ---------------------------------------------------------------------------------------------- Kokoro


def kokoro_model(seed, speed_dtype, waveform_rank, style_name="style"):
    """StyleTTS2-shaped: input_ids [1,L] int64, style [1,256] float, speed [1] float32 or int32; output waveform float
    [1,L*300] (onnx-community export) or [L*300] plus duration int64 [L] (hexgrad / kokoro-onnx export)."""
    r = rng(seed)
    hidden = 64
    inits = [
        const("emb", quantized(r, (178, 32), 0.5)),
        const("w1", quantized(r, (32, hidden), 0.4)),
        const("w_style", quantized(r, (KOKORO_STYLE, hidden), 0.1)),
        const("w2", quantized(r, (hidden, KOKORO_HOP), 0.3)),
        const("axes1", np.array([1], dtype=np.int64)),
        const("out_gain", np.array(0.7, dtype=np.float32)),
        const("out_shape", np.array([1, -1] if waveform_rank == 2 else [-1], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Gather", ["emb", "input_ids"], ["e"], axis=0),
        helper.make_node("MatMul", ["e", "w1"], ["h0"]),
        helper.make_node("MatMul", [style_name, "w_style"], ["s"]),
        helper.make_node("Unsqueeze", ["s", "axes1"], ["s3"]),
        helper.make_node("Add", ["h0", "s3"], ["h1"]),
    ]
    speed = "speed"
    if speed_dtype != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["speed"], ["speed_f"], to=TensorProto.FLOAT))
        speed = "speed_f"
    nodes += [
        helper.make_node("Mul", ["h1", speed], ["h2"]),
        helper.make_node("Tanh", ["h2"], ["t"]),
        helper.make_node("MatMul", ["t", "w2"], ["frames"]),
        helper.make_node("Tanh", ["frames"], ["frames_t"]),
        helper.make_node("Mul", ["frames_t", "out_gain"], ["wave"]),
        helper.make_node("Reshape", ["wave", "out_shape"], ["waveform"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence_length"]),
        helper.make_tensor_value_info(style_name, TensorProto.FLOAT, [1, KOKORO_STYLE]),
        helper.make_tensor_value_info("speed", speed_dtype, [1]),
    ]
    if waveform_rank == 2:
        outputs = [helper.make_tensor_value_info("waveform", TensorProto.FLOAT, [1, "num_samples"])]
    else:
        outputs = [
            helper.make_tensor_value_info("waveform", TensorProto.FLOAT, ["num_samples"]),
            helper.make_tensor_value_info("duration", TensorProto.INT64, ["sequence_length"]),
        ]
        inits += [
            const("axes0", np.array([0], dtype=np.int64)),
            const("zero_i64", np.array(0, dtype=np.int64)),
            const("one_i64", np.array(1, dtype=np.int64)),
        ]
        nodes += [
            helper.make_node("Squeeze", ["input_ids", "axes0"], ["ids1"]),
            helper.make_node("Mul", ["ids1", "zero_i64"], ["ids0"]),
            helper.make_node("Add", ["ids0", "one_i64"], ["duration"]),
        ]
    graph = helper.make_graph(nodes, "kokoro_fixture", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="voiceagent-fixtures")
    model.ir_version = 8
    return model


def kokoro_voice_pack(seed):
    """[510, 1, 256] float32: one base style per voice plus a slow drift over the rows, as real packs vary by length."""
    r = rng(seed)
    base = quantized(r, (1, 1, KOKORO_STYLE), 0.5)
    drift = quantized(r, (1, 1, KOKORO_STYLE), 0.25)
    rows = (np.arange(KOKORO_PACK_ROWS, dtype=np.float32) / KOKORO_PACK_ROWS).reshape(-1, 1, 1)
    pack = base + np.round(rows * 8) / 8 * drift
    return pack.astype("<f4")


def write_kokoro(root):
    pack = os.path.join(root, "kokoro")
    voices = [("af_alpha", 21, "en-us"), ("am_beta", 22, "en-us"), ("bf_gamma", 23, "en-gb")]
    save(kokoro_model(20, TensorProto.FLOAT, 2), os.path.join(pack, "kokoro-fixture.onnx"))
    for voice_id, seed, _ in voices:
        path = os.path.join(pack, "voices", voice_id + ".bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        kokoro_voice_pack(seed).tofile(path)  # headerless little-endian float32, 522240 bytes
    write_json(
        os.path.join(pack, "manifest.json"),
        {
            "engine": "kokoro",
            "model": "kokoro-fixture.onnx",
            "sampleRate": 24000,
            "voices": [{"id": v, "file": "voices/" + v + ".bin", "language": lang} for v, _, lang in voices],
        },
    )

    # The hexgrad/kokoro-onnx export: int32 speed, 1-D waveform and a duration output. Reuses the main pack's voices.
    int32 = os.path.join(root, "kokoro-int32-speed")
    save(kokoro_model(20, TensorProto.INT32, 1), os.path.join(int32, "kokoro-fixture-int32.onnx"))
    os.makedirs(os.path.join(int32, "voices"), exist_ok=True)
    shutil.copyfile(os.path.join(pack, "voices", "af_alpha.bin"), os.path.join(int32, "voices", "af_alpha.bin"))
    write_json(
        os.path.join(int32, "manifest.json"),
        {
            "engine": "kokoro",
            "model": "kokoro-fixture-int32.onnx",
            "sampleRate": 24000,
            "voices": [{"id": "af_alpha", "file": "voices/af_alpha.bin", "language": "en-us"}],
        },
    )

    bad = os.path.join(root, "invalid", "kokoro-no-style")
    save(kokoro_model(24, TensorProto.FLOAT, 2, style_name="ref_s"), os.path.join(bad, "kokoro-bad.onnx"))
    os.makedirs(os.path.join(bad, "voices"), exist_ok=True)
    shutil.copyfile(os.path.join(pack, "voices", "af_alpha.bin"), os.path.join(bad, "voices", "af_alpha.bin"))
    write_json(
        os.path.join(bad, "manifest.json"),
        {"engine": "kokoro", "model": "kokoro-bad.onnx", "voices": [{"id": "af_alpha", "file": "voices/af_alpha.bin"}]},
    )


def main():
    for sub in ("piper", "piper-int8", "kokoro", "kokoro-int32-speed", "arcodec", "arcodec-fp16", "invalid"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    write_piper(OUT)
    write_kokoro(OUT)
    from arcodec_fixture import write_arcodec  # imported here: it imports this module's helpers

    write_arcodec(OUT)
    for dirpath, _, files in sorted(os.walk(OUT)):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            print(f"{os.path.relpath(path, ROOT)}  {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
