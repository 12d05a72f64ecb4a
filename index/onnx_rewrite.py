"""Graph rewrites after onnxscript's ORT rewriter, each exact and each checked before it is kept.

- fuse_rotary: the dynamo export writes each rotary embedding as x*cos + rotate_half(x)*sin, rotate_half
  being two Slices, a Neg and a Concat, and recomputes cos/sin from the positions at every run; the ORT
  rewriter leaves that alone for Gemma 3 (its cos/sin cache rule expects another shape of graph). Every
  such pattern becomes com.microsoft.RotaryEmbedding (non-interleaved) with constant tables: 6 nodes -> 1,
  48 times in EmbeddingGemma. The tables are not derived from the pattern's ops but measured: the graph is
  run once with the angle tensor as an extra output, for two different inputs, and they must agree
  (positions only) and be the duplicated half-angles rotate_half implies.
- fold_single_kv_head: MultiHeadAttention has no grouped-query form, so the rewriter copies the single
  key/value head to every query head (Unsqueeze, Expand, Reshape, Transpose, Reshape for k and for v) and
  expands the attention bias to the heads. With one KV head the query heads can instead be folded into the
  query sequence (query [B, N*S, H], key/value [B, S, H], num_heads 1, the bias repeated N times along the
  query axis): the same scores, ~7 nodes fewer per layer.

Anything unexpected (a removed node used elsewhere, shapes other than assumed, measured at run time) leaves
the graph unchanged; the export's probe check then judges the result like any other export.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _consumers(graph) -> dict[str, list]:
    out: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


def _const(graph, producers, name):
    from onnx import numpy_helper
    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    node = producers.get(name)
    if node is not None and node.op_type == "Constant":
        return numpy_helper.to_array(node.attribute[0].t)
    return None


def _match(graph, producers, add):
    """(x, angle tensor, nodes to drop) when `add` is x*U(cos(e)) + concat(-x[h:], x[:h])*U(sin(e)), else None."""
    muls = [producers.get(i) for i in add.input]
    if len(muls) != 2 or any(m is None or m.op_type != "Mul" for m in muls):
        return None
    for direct, rotated in (muls, muls[::-1]):
        for x_name, cos_u in (direct.input, direct.input[::-1]):
            cos_node = producers.get(cos_u)
            cos = producers.get(cos_node.input[0]) if cos_node is not None and cos_node.op_type == "Unsqueeze" else None
            if cos is None or cos.op_type != "Cos":
                continue
            for concat_name, sin_u in (rotated.input, rotated.input[::-1]):
                concat, sin_node = producers.get(concat_name), producers.get(sin_u)
                sin = producers.get(sin_node.input[0]) if sin_node is not None and sin_node.op_type == "Unsqueeze" else None
                if concat is None or concat.op_type != "Concat" or sin is None or sin.op_type != "Sin" \
                        or sin.input[0] != cos.input[0] or len(concat.input) != 2:
                    continue
                neg, low = producers.get(concat.input[0]), producers.get(concat.input[1])
                high = producers.get(neg.input[0]) if neg is not None and neg.op_type == "Neg" else None
                if high is None or low is None or high.op_type != "Slice" or low.op_type != "Slice" \
                        or high.input[0] != x_name or low.input[0] != x_name:
                    continue
                starts = [_const(graph, producers, s.input[1]) for s in (low, high)]
                if starts[0] is None or starts[1] is None or int(np.ravel(starts[0])[0]) != 0:
                    continue
                return x_name, cos.input[0], int(np.ravel(starts[1])[0]), [add, direct, rotated, concat, neg, high, low]
    return None


def _run_with_outputs(model_path: Path, names: list[str], lengths: tuple[int, ...]) -> list[list[np.ndarray]]:
    """The named tensors for inputs of the given lengths (other token ids and batch size each time)."""
    import onnx
    import onnxruntime as ort
    model = onnx.load(str(model_path), load_external_data=False)
    for name in names:
        model.graph.output.add(name=name)
    tmp = model_path.with_name(model_path.stem + ".probe.onnx")
    onnx.save(model, str(tmp))     # beside the original: the external data file resolves the same way
    try:
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(str(tmp), opts, providers=["CPUExecutionProvider"])
        runs = []
        for k, length in enumerate(lengths):
            ids = (np.arange(length * (k + 1), dtype=np.int64).reshape(k + 1, length) % 50) + 3
            outs = session.run(names, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            runs.append([np.asarray(o, dtype=np.float64) for o in outs])
        return runs
    finally:
        tmp.unlink(missing_ok=True)


def fuse_rotary(src: Path, dst: Path, max_positions: int) -> int:
    """Rewrite src's rotary patterns as RotaryEmbedding with constant tables of max_positions rows into dst
    (weights in dst's own external file); returns how many were replaced (0: dst not written)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src), load_external_data=False)
    graph = model.graph
    producers = {o: n for n in graph.node for o in n.output}
    found = [m for n in graph.node if n.op_type == "Add" and (m := _match(graph, producers, n))]
    if not found:
        return 0
    angle_names = sorted({m[1] for m in found})
    runs = _run_with_outputs(src, angle_names, (max_positions, 7))
    tables = {}
    for name, (long, short) in zip(angle_names, zip(*runs)):
        long, short = long.reshape(-1, long.shape[-1]), short.reshape(-1, short.shape[-1])
        if long.shape[0] != max_positions or not np.allclose(short, long[:short.shape[0]], atol=1e-5):
            return 0      # angles that depend on anything but the position
        half = long.shape[-1] // 2
        if not np.allclose(long[:, :half], long[:, half:], atol=1e-6):
            return 0
        tables[name] = (np.cos(long[:, :half]).astype(np.float32), np.sin(long[:, :half]).astype(np.float32))
    if any(start != tables[e][0].shape[1] for _, e, start, _ in found):
        return 0          # rotate_half must split the head in the middle

    mask = "attention_mask"
    pos, new_inits = "rotary_position_ids", []
    for k, (name, (cos, sin)) in enumerate(tables.items()):
        new_inits += [numpy_helper.from_array(cos, f"rotary_cos_{k}"), numpy_helper.from_array(sin, f"rotary_sin_{k}")]
    new_inits += [numpy_helper.from_array(np.array(v, dtype=np.int64), n) for n, v in
                  (("rotary_zero", 0), ("rotary_one", 1), ("rotary_axis0", [0]), ("rotary_index1", 1))]
    lead = [helper.make_node("Shape", [mask], ["rotary_mask_shape"]),
            helper.make_node("Gather", ["rotary_mask_shape", "rotary_index1"], ["rotary_len"], axis=0),
            helper.make_node("Range", ["rotary_zero", "rotary_len", "rotary_one"], ["rotary_range"]),
            helper.make_node("Unsqueeze", ["rotary_range", "rotary_axis0"], ["rotary_row"]),
            helper.make_node("Expand", ["rotary_row", "rotary_mask_shape"], [pos])]
    index = {name: k for k, name in enumerate(tables)}
    drop = {id(n) for m in found for n in m[3]}
    replaced = {id(m[3][0]): helper.make_node(
        "RotaryEmbedding", [x, pos, f"rotary_cos_{index[e]}", f"rotary_sin_{index[e]}"], [m[3][0].output[0]],
        name=f"rotary_{i}", domain="com.microsoft", interleaved=0) for i, m in enumerate(found) for x, e in [m[:2]]}
    nodes = lead + [replaced.get(id(n), n) for n in graph.node if id(n) not in drop or id(n) in replaced]
    if not _replace_nodes(model, nodes, new_inits):
        return 0
    _save_with_weights(model, src, dst)
    return len(found)


def _replace_nodes(model, nodes: list, new_inits: list) -> bool:
    """Make `nodes` (in order) the graph's nodes, keeping only what the outputs need; False, graph untouched,
    when a node reads a name nothing produces (a removed node's output was used elsewhere)."""
    from onnx import helper
    graph = model.graph
    known = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {i.name for i in new_inits}
    for node in nodes:
        if any(i and i not in known for i in node.input):
            return False
        known.update(node.output)
    needed = {o.name for o in graph.output}
    kept = []
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(i for i in node.input if i)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    graph.initializer.extend(new_inits)
    used_inits = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(used_inits)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return True


def _save_with_weights(model, src: Path, dst: Path) -> None:
    """Write model (loaded without its weights) to dst with src's weights in dst's own external file."""
    import onnx
    full = onnx.load(str(src))
    weights = {i.name: i for i in full.graph.initializer}
    graph = model.graph
    for i, init in enumerate(graph.initializer):
        if init.name in weights and init.data_location == onnx.TensorProto.EXTERNAL:
            graph.initializer[i].CopyFrom(weights[init.name])
    onnx.save(model, str(dst), save_as_external_data=True, all_tensors_to_one_file=True,
              location=dst.name + ".data", size_threshold=1024)


def _chain(producers, name: str, ops: tuple[str, ...]):
    """The nodes walking up from `name` through first inputs, if their op types are exactly `ops`."""
    out = []
    for op in ops:
        node = producers.get(name)
        if node is None or node.op_type != op:
            return None
        out.append(node)
        name = node.input[0]
    return out


def _perm(node) -> list[int]:
    from onnx import helper
    return next((list(helper.get_attribute_value(a)) for a in node.attribute if a.name == "perm"), [])


def fold_single_kv_head(src: Path, dst: Path) -> int:
    """Rewrite src's MultiHeadAttention nodes whose single key/value head is copied to every query head into
    dst (see the module docstring); returns how many (0: dst not written)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src), load_external_data=False)
    graph = model.graph
    producers = {o: n for n in graph.node for o in n.output}
    found = []
    for n in graph.node:
        if n.op_type != "MultiHeadAttention" or n.domain != "com.microsoft" or len(n.input) < 3 \
                or any(n.input[3:5]) or len(n.input) > 6:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if attrs.get("unidirectional", 0) or set(attrs) - {"num_heads", "scale", "unidirectional"}:
            continue
        q = _chain(producers, n.input[0], ("Reshape", "Transpose"))
        kv = [_chain(producers, n.input[i], ("Reshape", "Transpose", "Reshape", "Expand", "Unsqueeze")) for i in (1, 2)]
        if q is None or None in kv or _perm(q[1]) != [0, 2, 1, 3] or any(_perm(c[1]) != [0, 2, 1, 3] for c in kv):
            continue
        bias = n.input[5] if len(n.input) > 5 else ""
        if bias and producers.get(bias) is not None and producers[bias].op_type == "Expand":
            bias = producers[bias].input[0]
        # (node, heads, q [B,N,S,H], k and v [B,1,S,H] before the copies, bias without its Expand)
        found.append((n, int(attrs["num_heads"]), q[1].input[0], kv[0][-1].input[0], kv[1][-1].input[0], bias))
    if not found:
        return 0
    names = sorted({t for f in found for t in f[2:6] if t})
    runs = _run_with_outputs(src, names, (9, 5))
    shapes = {name: (a.shape, b.shape) for name, a, b in zip(names, runs[0], runs[1])}
    for _, heads, q4, k4, v4, bias in found:
        for run in (0, 1):
            (b, nq, s, h), kshape, vshape = shapes[q4][run], shapes[k4][run], shapes[v4][run]
            if nq != heads or kshape != (b, 1, s, h) or vshape != (b, 1, s, h):
                return 0
            if bias and (len(shapes[bias][run]) != 4 or shapes[bias][run][1] != 1 or shapes[bias][run][2:] != (s, s)):
                return 0
    repeated, added, by_node = {}, {}, {}
    for i, (n, heads, q4, k4, v4, bias) in enumerate(found):
        h = shapes[q4][0][3]
        for key, value in ((f"gqa_bsh_{h}", [0, -1, h]), (f"gqa_bnsh_{heads}_{h}", [0, heads, -1, h]),
                           (f"gqa_bsd_{heads * h}", [0, 0, heads * h])):
            if key not in added:
                added[key] = numpy_helper.from_array(np.array(value, dtype=np.int64), key)
        new = [helper.make_node("Reshape", [t, f"gqa_bsh_{h}"], [f"gqa_{i}_{role}"]) for t, role in
               ((q4, "q"), (k4, "k"), (v4, "v"))]
        folded_bias = ""
        if bias:
            if bias not in repeated:
                repeated[bias] = f"gqa_bias_{len(repeated)}"
                new.append(helper.make_node("Concat", [bias] * heads, [repeated[bias]], axis=2))
            folded_bias = repeated[bias]
        extra = {a.name: helper.get_attribute_value(a) for a in n.attribute if a.name == "scale"}
        new += [helper.make_node("MultiHeadAttention", [f"gqa_{i}_q", f"gqa_{i}_k", f"gqa_{i}_v", "", "", folded_bias],
                                 [f"gqa_{i}_out"], name=f"gqa_attention_{i}", domain="com.microsoft", num_heads=1,
                                 **extra),
                helper.make_node("Reshape", [f"gqa_{i}_out", f"gqa_bnsh_{heads}_{h}"], [f"gqa_{i}_bnsh"]),
                helper.make_node("Transpose", [f"gqa_{i}_bnsh"], [f"gqa_{i}_bsnh"], perm=[0, 2, 1, 3]),
                helper.make_node("Reshape", [f"gqa_{i}_bsnh", f"gqa_bsd_{heads * h}"], [n.output[0]])]
        by_node[id(n)] = new
    new_inits = list(added.values())
    nodes = []
    for node in graph.node:
        nodes.extend(by_node.get(id(node), [node]))
    if not _replace_nodes(model, nodes, new_inits):
        return 0
    _save_with_weights(model, src, dst)
    return len(found)
