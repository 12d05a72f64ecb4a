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
  expands the attention bias to the heads, and each of q, k, v goes through a Transpose to [B,N,S,H] for
  the q/k norms and the rotary embedding. With one KV head the query heads can instead be folded into the
  query sequence: the projection's [B,S,N*H] read as [B,S*N,H] (rows in (position, head) order), key and
  value [B,S,H] as they come out of their projections, num_heads 1, each mask row repeated N times; the
  norms and rotary embeddings work row by row, so they run on that layout (the query's rotary with each
  position repeated N times) and the output [B,S*N,H] is already [B,S,N*H]. The same scores, no Transpose
  left: 1,060 nodes -> 616 for EmbeddingGemma.
- merge_shared_matmuls: q/k/v (and gate/up) read the same tensor: one MatMul over the weights side by side
  and a Split.

Anything unexpected (a removed node used elsewhere, shapes other than assumed, measured at run time) leaves
the graph unchanged; the export's probe check then judges the result like any other export.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _producers(graph) -> dict:
    """Each tensor name -> the node that makes it."""
    return {o: n for n in graph.node for o in n.output}


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
    producers = _producers(graph)
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


def _save(model, dst: Path) -> None:
    """Write model (with its weights) to dst, the weights in dst's own external file."""
    import onnx
    onnx.save(model, str(dst), save_as_external_data=True, all_tensors_to_one_file=True,
              location=dst.name + ".data", size_threshold=1024)


def _save_with_weights(model, src: Path, dst: Path) -> None:
    """Write model (loaded without its weights) to dst with src's weights in dst's own external file."""
    import onnx
    full = onnx.load(str(src))
    weights = {i.name: i for i in full.graph.initializer}
    graph = model.graph
    for i, init in enumerate(graph.initializer):
        if init.name in weights and init.data_location == onnx.TensorProto.EXTERNAL:
            graph.initializer[i].CopyFrom(weights[init.name])
    _save(model, dst)


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


# Ops between a [B,S,N*H] projection and attention that work row by row on each head's H values (a
# rotary embedding also reads the row's position): they give the same rows in any layout.
ROW_OPS = ("SimplifiedLayerNormalization", "RotaryEmbedding")


def _head_path(producers, name):
    """Walking up from a [B,N,S,H] tensor: (the [B,S,N*H] tensor it was made from, the row ops in graph
    order) when it is Reshape -> Transpose(0,2,1,3) -> row ops, else None."""
    ops = []
    node = producers.get(name)
    while node is not None and node.op_type in ROW_OPS and node.domain in ("", "com.microsoft"):
        ops.append(node)
        node = producers.get(node.input[0])
    if node is None or node.op_type != "Transpose" or _perm(node) != [0, 2, 1, 3]:
        return None
    reshape = producers.get(node.input[0])
    if reshape is None or reshape.op_type != "Reshape":
        return None
    return reshape.input[0], ops[::-1]


def fold_single_kv_head(src: Path, dst: Path) -> int:
    """Rewrite src's MultiHeadAttention nodes whose single key/value head is copied to every query head into
    dst (see the module docstring); returns how many (0: dst not written).

    Layout: the projections' [B,S,N*H] outputs are read as [B,S*N,H] (a Reshape, no copy), so the query
    heads are folded into the sequence in (position, head) order and the output [B,S*N,H] is [B,S,N*H]
    again; the per-row ops between projection and attention (q/k norm, rotary) run on that layout, the
    query's rotary with each position repeated N times. No Transpose is left on the way."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src), load_external_data=False)
    graph = model.graph
    producers = _producers(graph)
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
        paths = [_head_path(producers, t) for t in (q[1].input[0], kv[0][-1].input[0], kv[1][-1].input[0])]
        if None in paths:
            continue
        bias = n.input[5] if len(n.input) > 5 else ""
        if bias and producers.get(bias) is not None and producers[bias].op_type == "Expand":
            bias = producers[bias].input[0]
        # (node, query heads, (source [B,S,N*H] or [B,S,H], row ops) for q, k, v, bias without its Expand)
        found.append((n, int(attrs["num_heads"]), paths, bias))
    if not found:
        return 0
    names = sorted({t for _, _, paths, bias in found for t in [p[0] for p in paths] + [bias] if t})
    runs = _run_with_outputs(src, names, (9, 5))
    shapes = {name: (a.shape, b.shape) for name, a, b in zip(names, runs[0], runs[1])}
    head_size = {}
    for n, heads, paths, bias in found:
        for run in (0, 1):
            qs, ks, vs = (shapes[p[0]][run] for p in paths)
            if len(ks) != 3 or vs != ks or len(qs) != 3 or qs[:2] != ks[:2] or qs[2] != heads * ks[2]:
                return 0
            if bias and (len(shapes[bias][run]) != 4 or shapes[bias][run][1] != 1
                         or shapes[bias][run][2:] != (ks[1], ks[1])):
                return 0
        head_size[id(n)] = ks[2]

    inits, made = {}, set()

    def const(name, value):
        if name not in inits:
            inits[name] = numpy_helper.from_array(np.array(value, dtype=np.int64), name)
        return name

    def tiled_table(name, reps):
        """A rotary table N times longer: ORT refuses an input longer than the table (here S*N rows);
        rows past S are never read, the positions being < S."""
        tiled = f"{name}_x{reps}"
        if tiled not in inits:
            table = next((t for t in graph.initializer if t.name == name), None)
            if table is None:
                return None
            inits[tiled] = numpy_helper.from_array(
                np.tile(numpy_helper.to_array(table, base_dir=str(src.parent)), (reps, 1)), tiled)
        return tiled

    by_node = {}
    for i, (n, heads, paths, bias) in enumerate(found):
        h = head_size[id(n)]
        pre, new, inputs = [], [], []     # pre: tensors made once and shared by the later layers
        for role, (source, ops), reps in zip("qkv", paths, (heads, 1, 1)):
            x = source
            if reps > 1:
                x = f"fold_{i}_{role}_rows"
                new.append(helper.make_node("Reshape", [source, const(f"fold_bsh_{h}", [0, -1, h])], [x]))
            for k, op in enumerate(ops):
                args = [x, *op.input[1:]]
                if op.op_type == "RotaryEmbedding" and reps > 1:
                    pos = f"{args[1]}_x{reps}"
                    if pos not in made:
                        made.add(pos)
                        pre += [helper.make_node("Unsqueeze", [args[1], const("fold_axis2", [2])], [pos + "_u"]),
                                helper.make_node("Tile", [pos + "_u", const(f"fold_tile_{reps}", [1, 1, reps])],
                                                 [pos + "_t"]),
                                helper.make_node("Reshape", [pos + "_t", const("fold_b_rest", [0, -1])], [pos])]
                    args[1] = pos
                    args[2:4] = [tiled_table(t, reps) for t in args[2:4]]
                    if None in args[2:4]:
                        return 0
                x = f"fold_{i}_{role}_{k}"
                new.append(helper.make_node(op.op_type, args, [x], name=f"fold_{i}_{role}_{op.op_type}_{k}",
                                            domain=op.domain,
                                            **{a.name: helper.get_attribute_value(a) for a in op.attribute}))
            inputs.append(x)
        folded_bias = ""
        if bias:    # [B,1,S,L] -> [B,1,S,N,L] -> [B,1,S*N,L]: each query row's mask, once per head
            folded_bias = f"{bias}_x{heads}"
            if folded_bias not in made:
                made.add(folded_bias)
                pre += [helper.make_node("Unsqueeze", [bias, const("fold_axis3", [3])], [folded_bias + "_u"]),
                        helper.make_node("Expand", [folded_bias + "_u", const(f"fold_heads_{heads}", [1, 1, 1, heads, 1])],
                                         [folded_bias + "_e"]),
                        helper.make_node("Shape", [bias], [folded_bias + "_shape"], start=-1),
                        helper.make_node("Concat", [const("fold_b_1_rest", [0, 1, -1]), folded_bias + "_shape"],
                                         [folded_bias + "_target"], axis=0),
                        helper.make_node("Reshape", [folded_bias + "_e", folded_bias + "_target"], [folded_bias])]
        extra = {a.name: helper.get_attribute_value(a) for a in n.attribute if a.name == "scale"}
        new += [helper.make_node("MultiHeadAttention", [*inputs, "", "", folded_bias], [f"fold_{i}_out"],
                                 name=f"fold_attention_{i}", domain="com.microsoft", num_heads=1, **extra),
                helper.make_node("Reshape", [f"fold_{i}_out", const(f"fold_bsd_{heads * h}", [0, -1, heads * h])],
                                 [n.output[0]])]
        by_node[id(n)] = pre + new
    nodes = []
    for node in graph.node:
        nodes.extend(by_node.get(id(node), [node]))
    if not _replace_nodes(model, nodes, list(inits.values())):
        return 0
    _save_with_weights(model, src, dst)
    return len(found)


def merge_shared_matmuls(src: Path, dst: Path) -> int:
    """MatMuls that read the same tensor with constant [K, N_i] weights (q/k/v; gate/up) become one MatMul
    over the weights side by side and a Split: one pass and one thread hand-off instead of 2-3. Exact
    (each output column is the same dot product); the int8 step then quantizes the input once per group
    as it did before. The merged node keeps the first one's module path (quantize_int8 reads it). Returns
    how many groups (0: dst not written)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    groups: dict[str, list] = {}
    for n in graph.node:
        if n.op_type == "MatMul" and n.domain == "" and n.input[1] in weights and len(weights[n.input[1]].dims) == 2:
            groups.setdefault(n.input[0], []).append(n)
    by_node, dropped, new_inits = {}, set(), []
    for g, nodes in enumerate(v for v in groups.values() if len(v) > 1):
        arrays = [numpy_helper.to_array(weights[n.input[1]]) for n in nodes]
        if len({(a.shape[0], a.dtype) for a in arrays}) != 1:
            continue
        new_inits += [numpy_helper.from_array(np.concatenate(arrays, axis=1), f"merged_weight_{g}"),
                      numpy_helper.from_array(np.array([a.shape[1] for a in arrays], dtype=np.int64), f"merged_sizes_{g}")]
        matmul = helper.make_node("MatMul", [nodes[0].input[0], f"merged_weight_{g}"], [f"merged_{g}"],
                                  name=f"merged_matmul_{g}")
        matmul.metadata_props.extend(nodes[0].metadata_props)
        by_node[id(nodes[0])] = [matmul, helper.make_node("Split", [f"merged_{g}", f"merged_sizes_{g}"],
                                                          [n.output[0] for n in nodes], axis=-1, name=f"merged_split_{g}")]
        dropped.update(id(n) for n in nodes[1:])
    if not by_node:
        return 0
    nodes = [m for n in graph.node if id(n) not in dropped for m in by_node.get(id(n), [n])]
    if not _replace_nodes(model, nodes, new_inits):
        return 0
    _save(model, dst)
    return len(by_node)
