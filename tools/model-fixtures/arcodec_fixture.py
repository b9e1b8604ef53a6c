"""The arcodec pack (autoregressive decoder LM + audio codec, the Orpheus/Spark/Fish shape), called by generate.py.

The LM is a 2-layer decoder-only transformer with the Optimum/onnxruntime-genai KV-cache contract
(MODEL_FORMATS.md 3): input_ids, attention_mask, position_ids, past_key_values.{i}.key/.value in; logits,
present.{i}.key/.value out; plus an optional speaker_embedding [1,16]. Attention is causal by absolute position
(position_ids), so one pass over a whole sequence and a token-by-token pass with the cache give the same logits.
The codec decoder maps codes [1,Q,T] int64 to audio [1,1,T*hop] float32 with a kernel-3 convolution over time, so a
window's edges depend on its neighbours (which is what the streaming overlap and crossfade are for).

Token layout (Orpheus-like): 0 pad, 1 bos, 2 end of text, 3 start of audio, 4 end of audio (the stop token), text
characters from 5, audio tokens from AUDIO_OFFSET: id = AUDIO_OFFSET + slot * CODEBOOK_SIZE + code, slot = k % Q.
"""

import os
import shutil

import numpy as np
from onnx import TensorProto, helper

from generate import const, quantized, rng, save, write_json

LAYERS = 2
HEADS = 2
HEAD_DIM = 16
HIDDEN = HEADS * HEAD_DIM
SPEAKER = 16
CONTEXT = 512
CODEBOOKS = 2
CODEBOOK_SIZE = 64
AUDIO_OFFSET = 64
VOCAB = AUDIO_OFFSET + CODEBOOKS * CODEBOOK_SIZE
STOP = 4
HOP = 320
SAMPLE_RATE = 16000
CHARS = " abcdefghijklmnopqrstuvwxyz0123456789'.,?!-:"


def lm_model(seed, drop_output=None, kv_dtype=TensorProto.FLOAT):
    """kv_dtype FLOAT16: the fp16 export shape (past/present and logits in fp16, arithmetic in float)."""
    r = rng(seed)
    half = kv_dtype == TensorProto.FLOAT16
    inits = [
        const("tok_emb", quantized(r, (VOCAB, HIDDEN), 0.5)),
        const("pos_emb", quantized(r, (CONTEXT, HIDDEN), 0.2)),
        const("w_spk", quantized(r, (SPEAKER, HIDDEN), 0.3)),
        const("w_out", quantized(r, (HIDDEN, VOCAB), 0.6)),
        const("ln_scale", np.ones(HIDDEN, dtype=np.float32)),
        const("ln_bias", np.zeros(HIDDEN, dtype=np.float32)),
        const("axes1", np.array([1], dtype=np.int64)),
        const("axes0", np.array([0], dtype=np.int64)),
        const("axes_last", np.array([-1], dtype=np.int64)),
        const("split_shape", np.array([0, 0, HEADS, HEAD_DIM], dtype=np.int64)),
        const("merge_shape", np.array([0, 0, HIDDEN], dtype=np.int64)),
        const("scale", np.array(1.0 / np.sqrt(HEAD_DIM), dtype=np.float32)),
        const("neg", np.array(-1e9, dtype=np.float32)),
        const("zero_f", np.array(0.0, dtype=np.float32)),
        const("zero_i", np.array(0, dtype=np.int64)),
        const("one_i", np.array(1, dtype=np.int64)),
        const("two_i", np.array([2], dtype=np.int64)),
        const("three_i", np.array([3], dtype=np.int64)),
        # The stop token's logit grows with the position, so generations end on their own, at different lengths.
        const("stop_slope", (np.eye(VOCAB, dtype=np.float32)[STOP] * 0.12).astype(np.float32)),
        const("stop_base", (np.eye(VOCAB, dtype=np.float32)[STOP] * -9.0).astype(np.float32)),
    ]
    nodes = [
        helper.make_node("Gather", ["tok_emb", "input_ids"], ["te"], axis=0),
        helper.make_node("Gather", ["pos_emb", "position_ids"], ["pe"], axis=0),
        helper.make_node("MatMul", ["speaker_embedding", "w_spk"], ["se"]),
        helper.make_node("Unsqueeze", ["se", "axes1"], ["se3"]),
        helper.make_node("Add", ["te", "pe"], ["x0a"]),
        helper.make_node("Add", ["x0a", "se3"], ["x0"]),
        # Mask [1,1,S,P+S]: key j is visible to a query at absolute position p when j <= p and attention_mask[j] == 1.
        helper.make_node("Shape", ["attention_mask"], ["mask_shape"]),
        helper.make_node("Gather", ["mask_shape", "one_i"], ["total"], axis=0),
        helper.make_node("Range", ["zero_i", "total", "one_i"], ["key_pos"]),
        helper.make_node("Unsqueeze", ["position_ids", "axes_last"], ["q_pos"]),
        helper.make_node("LessOrEqual", ["key_pos", "q_pos"], ["causal"]),
        helper.make_node("Cast", ["attention_mask"], ["am_bool"], to=TensorProto.BOOL),
        helper.make_node("Unsqueeze", ["am_bool", "axes1"], ["am3"]),
        helper.make_node("And", ["causal", "am3"], ["visible3"]),
        helper.make_node("Unsqueeze", ["visible3", "axes1"], ["visible"]),
    ]
    x = "x0"
    for i in range(LAYERS):
        p = f"l{i}_"
        for w in ("wq", "wk", "wv", "wo"):
            inits.append(const(p + w, quantized(r, (HIDDEN, HIDDEN), 0.25)))
        inits.append(const(p + "w1", quantized(r, (HIDDEN, 2 * HIDDEN), 0.25)))
        inits.append(const(p + "w2", quantized(r, (2 * HIDDEN, HIDDEN), 0.25)))
        nodes += [
            helper.make_node("LayerNormalization", [x, "ln_scale", "ln_bias"], [p + "n"], axis=-1),
        ]
        for w, t in (("wq", "q"), ("wk", "k"), ("wv", "v")):
            nodes += [
                helper.make_node("MatMul", [p + "n", p + w], [p + t + "_flat"]),
                helper.make_node("Reshape", [p + t + "_flat", "split_shape"], [p + t + "_split"]),
                helper.make_node("Transpose", [p + t + "_split"], [p + t + "_new"], perm=[0, 2, 1, 3]),
            ]
        if half:
            nodes += [
                helper.make_node("Cast", [p + "k_new"], [p + "k_new16"], to=TensorProto.FLOAT16),
                helper.make_node("Cast", [p + "v_new"], [p + "v_new16"], to=TensorProto.FLOAT16),
                helper.make_node("Concat", [f"past_key_values.{i}.key", p + "k_new16"], [f"present.{i}.key"], axis=2),
                helper.make_node("Concat", [f"past_key_values.{i}.value", p + "v_new16"], [f"present.{i}.value"], axis=2),
                helper.make_node("Cast", [f"present.{i}.key"], [p + "k_all"], to=TensorProto.FLOAT),
                helper.make_node("Cast", [f"present.{i}.value"], [p + "v_all"], to=TensorProto.FLOAT),
            ]
        else:
            nodes += [
                helper.make_node("Concat", [f"past_key_values.{i}.key", p + "k_new"], [f"present.{i}.key"], axis=2),
                helper.make_node("Concat", [f"past_key_values.{i}.value", p + "v_new"], [f"present.{i}.value"], axis=2),
                helper.make_node("Identity", [f"present.{i}.key"], [p + "k_all"]),
                helper.make_node("Identity", [f"present.{i}.value"], [p + "v_all"]),
            ]
        nodes += [
            helper.make_node("Transpose", [p + "k_all"], [p + "kt"], perm=[0, 1, 3, 2]),
            helper.make_node("MatMul", [p + "q_new", p + "kt"], [p + "scores_raw"]),
            helper.make_node("Mul", [p + "scores_raw", "scale"], [p + "scores"]),
            helper.make_node("Where", ["visible", p + "scores", "neg"], [p + "masked"]),
            helper.make_node("Softmax", [p + "masked"], [p + "attn"], axis=-1),
            helper.make_node("MatMul", [p + "attn", p + "v_all"], [p + "ctx"]),
            helper.make_node("Transpose", [p + "ctx"], [p + "ctx_t"], perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", [p + "ctx_t", "merge_shape"], [p + "ctx_m"]),
            helper.make_node("MatMul", [p + "ctx_m", p + "wo"], [p + "attn_out"]),
            helper.make_node("Add", [x, p + "attn_out"], [p + "h"]),
            helper.make_node("LayerNormalization", [p + "h", "ln_scale", "ln_bias"], [p + "hn"], axis=-1),
            helper.make_node("MatMul", [p + "hn", p + "w1"], [p + "m1"]),
            helper.make_node("Tanh", [p + "m1"], [p + "m1t"]),
            helper.make_node("MatMul", [p + "m1t", p + "w2"], [p + "m2"]),
            helper.make_node("Add", [p + "h", p + "m2"], [p + "out"]),
        ]
        x = p + "out"
    nodes += [
        helper.make_node("LayerNormalization", [x, "ln_scale", "ln_bias"], ["final"], axis=-1),
        helper.make_node("MatMul", ["final", "w_out"], ["logits_raw"]),
        helper.make_node("Cast", ["position_ids"], ["pos_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["pos_f", "axes_last"], ["pos_f3"]),
        helper.make_node("Mul", ["pos_f3", "stop_slope"], ["stop_ramp"]),
        helper.make_node("Add", ["logits_raw", "stop_ramp"], ["logits_ramped"]),
        helper.make_node("Add", ["logits_ramped", "stop_base"], ["logits_f" if half else "logits"]),
    ]
    if half:
        nodes.append(helper.make_node("Cast", ["logits_f"], ["logits"], to=TensorProto.FLOAT16))
    kv_past = [1, HEADS, "past_sequence_length", HEAD_DIM]
    kv_present = [1, HEADS, "total_sequence_length", HEAD_DIM]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, [1, "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", kv_dtype, [1, "sequence_length", VOCAB])]
    for i in range(LAYERS):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", kv_dtype, kv_past))
            if f"present.{i}.{kind}" != drop_output:
                outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", kv_dtype, kv_present))
    inputs.append(helper.make_tensor_value_info("speaker_embedding", TensorProto.FLOAT, [1, SPEAKER]))
    graph = helper.make_graph(nodes, "arcodec_lm_fixture", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="voiceagent-fixtures")
    model.ir_version = 8
    return model


def codec_model(seed):
    """codes [1,Q,T] int64 -> audio [1,1,T*HOP] float32."""
    r = rng(seed)
    channels = 16
    inits = [
        const("cb_emb", quantized(r, (CODEBOOKS, CODEBOOK_SIZE, channels), 0.5)),
        const("conv_w", quantized(r, (channels, channels, 3), 0.3)),
        const("w_hop", quantized(r, (channels, HOP), 0.3)),
        const("out_gain", np.array(0.6, dtype=np.float32)),
        const("axes1", np.array([1], dtype=np.int64)),
        const("out_shape", np.array([1, 1, -1], dtype=np.int64)),
    ]
    nodes = []
    embedded = []
    for q in range(CODEBOOKS):
        inits.append(const(f"q{q}", np.array([q], dtype=np.int64)))
        nodes += [
            helper.make_node("Gather", ["codes", f"q{q}"], [f"c{q}_3"], axis=1),  # [1,1,T]
            helper.make_node("Squeeze", [f"c{q}_3", "axes1"], [f"c{q}"]),  # [1,T]
            helper.make_node("Gather", ["cb_emb", f"q{q}"], [f"emb{q}_3"], axis=0),  # [1,K,C]
            helper.make_node("Reshape", [f"emb{q}_3", f"emb_shape"], [f"emb{q}"]),  # [K,C]
            helper.make_node("Gather", [f"emb{q}", f"c{q}"], [f"e{q}"], axis=0),  # [1,T,C]
        ]
        embedded.append(f"e{q}")
    inits.append(const("emb_shape", np.array([CODEBOOK_SIZE, channels], dtype=np.int64)))
    nodes += [
        helper.make_node("Sum", embedded, ["e"]),
        helper.make_node("Transpose", ["e"], ["e_ct"], perm=[0, 2, 1]),  # [1,C,T]
        helper.make_node("Conv", ["e_ct", "conv_w"], ["conv"], kernel_shape=[3], pads=[1, 1]),
        helper.make_node("Tanh", ["conv"], ["conv_t"]),
        helper.make_node("Transpose", ["conv_t"], ["h"], perm=[0, 2, 1]),  # [1,T,C]
        helper.make_node("MatMul", ["h", "w_hop"], ["frames"]),  # [1,T,HOP]
        helper.make_node("Tanh", ["frames"], ["frames_t"]),
        helper.make_node("Mul", ["frames_t", "out_gain"], ["wave"]),
        helper.make_node("Reshape", ["wave", "out_shape"], ["audio"]),
    ]
    inputs = [helper.make_tensor_value_info("codes", TensorProto.INT64, [1, CODEBOOKS, "frames"])]
    outputs = [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, 1, "samples"])]
    graph = helper.make_graph(nodes, "arcodec_codec_fixture", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="voiceagent-fixtures")
    model.ir_version = 8
    return model


def speaker_embedding(seed):
    return (np.round(rng(seed).standard_normal(SPEAKER) * 16) / 16).astype("<f4")


def manifest(lm, codec, voices):
    return {
        "engine": "arcodec",
        "model": lm,
        "sampleRate": SAMPLE_RATE,
        "tokenizer": {"vocab": "vocab.json", "lowercase": True},
        "prompt": {"begin": [1], "end": [2, 3]},
        "generation": {
            "audioTokenOffset": AUDIO_OFFSET,
            "stopToken": STOP,
            "minNewTokens": 8,
            "maxNewTokens": 160,
            "contextLength": CONTEXT,
            "temperature": 0.8,
            "topK": 40,
            "topP": 0.95,
            "repetitionPenalty": 1.1,
        },
        "codec": {
            "model": codec,
            "codebooks": CODEBOOKS,
            "codebookSize": CODEBOOK_SIZE,
            "hopLength": HOP,
            "windowFrames": 8,
            "overlapFrames": 2,
        },
        "voices": voices,
    }


def write_arcodec(root):
    pack = os.path.join(root, "arcodec")
    shutil.rmtree(pack, ignore_errors=True)
    save(lm_model(30), os.path.join(pack, "lm.onnx"))
    save(codec_model(31), os.path.join(pack, "codec.onnx"))
    write_json(os.path.join(pack, "vocab.json"), {c: 5 + i for i, c in enumerate(CHARS)})
    voices = []
    # ava: a reference prompt of audio tokens (zero-shot style); ben: a text prefix (Orpheus "tara: ..." style);
    # cleo: both. Each has its own speaker embedding (the LM declares speaker_embedding) and default seed.
    specs = [
        ("ava", 32, {"promptTokens": [int(AUDIO_OFFSET + (k % CODEBOOKS) * CODEBOOK_SIZE + (7 * k + 3) % CODEBOOK_SIZE) for k in range(12)]}),
        ("ben", 33, {"promptText": "ben: "}),
        ("cleo", 34, {"promptText": "cleo: ", "promptTokens": [int(AUDIO_OFFSET + 5), int(AUDIO_OFFSET + CODEBOOK_SIZE + 9)]}),
    ]
    for voice_id, seed, extra in specs:
        path = os.path.join(pack, "voices", voice_id + ".bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        speaker_embedding(seed).tofile(path)  # headerless little-endian float32, 16 values
        voices.append({"id": voice_id, "embedding": "voices/" + voice_id + ".bin", "seed": seed, **extra})
    write_json(os.path.join(pack, "manifest.json"), manifest("lm.onnx", "codec.onnx", voices))

    # The fp16 export shape (past/present/logits float16); shares the main pack's codec, vocab and voices.
    fp16 = os.path.join(root, "arcodec-fp16")
    shutil.rmtree(fp16, ignore_errors=True)
    save(lm_model(30, kv_dtype=TensorProto.FLOAT16), os.path.join(fp16, "lm-fp16.onnx"))
    shared = [dict(v, embedding="../arcodec/" + v["embedding"]) for v in voices]
    fp16_manifest = manifest("lm-fp16.onnx", "../arcodec/codec.onnx", shared)
    fp16_manifest["tokenizer"]["vocab"] = "../arcodec/vocab.json"
    write_json(os.path.join(fp16, "manifest.json"), fp16_manifest)

    # An LM that forgot one cache output: must fail at start-up naming present.1.value.
    bad = os.path.join(root, "invalid", "arcodec-no-present")
    save(lm_model(30, drop_output="present.1.value"), os.path.join(bad, "lm-bad.onnx"))
    shutil.copyfile(os.path.join(pack, "codec.onnx"), os.path.join(bad, "codec.onnx"))
    shutil.copyfile(os.path.join(pack, "vocab.json"), os.path.join(bad, "vocab.json"))
    os.makedirs(os.path.join(bad, "voices"), exist_ok=True)
    shutil.copyfile(os.path.join(pack, "voices", "ava.bin"), os.path.join(bad, "voices", "ava.bin"))
    write_json(os.path.join(bad, "manifest.json"), manifest("lm-bad.onnx", "codec.onnx", [voices[0]]))
