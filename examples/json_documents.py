"""Parse and total JSON orders: CPU-bound work that holds the GIL the whole time.

json's C parser runs with the GIL held, and the totalling is plain Python, so threads and
asyncio take turns on one core; only processes (each with its own GIL) compute in parallel.
Measured: about 0.4 ms per item on one core (a 2-core Linux VM, Python 3.11): 0.17 ms in json.loads,
the rest building the document and validating and totalling it in Python.

Race it:  tuiconc race --workload examples/json_documents.py:parse --size 2000
"""

import json
import random

LINES_PER_ORDER = (120, 200)  # line items per order: documents of about 30-50 KB
PRODUCTS = ("widget", "gadget", "sprocket", "gizmo", "doohickey", "flange", "bracket", "coupling",
            "valve", "gasket", "spindle", "bearing", "washer", "rivet", "hinge", "lever")
COLOURS = ("red", "green", "blue", "black", "white", "silver", "orange", "teal")
WAREHOUSES = ("AMS-1", "FRA-2", "LHR-1", "MAD-3", "WAW-1", "ARN-2")
COUNTRIES = ("NL", "DE", "GB", "ES", "PL", "SE")
DISCOUNTS = (0, 0, 0, 0, 5, 10, 15, 20)
LINE_SCHEMA = {"line": int, "sku": str, "name": str, "quantity": int, "unit_price_cents": int, "discount_pct": int,
               "warehouse": str, "tags": list, "shipping": dict}  # what each line must hold to be counted


def _line_bodies(count=4_096, seed=2024):
    """Line items rendered once per process, at import (before a race's clock starts): orders are
    assembled from them, so that building a document costs little next to parsing it."""
    rng = random.Random(seed)  # seeded: every process renders the same lines
    bodies = []
    for _ in range(count):
        r = rng.getrandbits(64)  # one draw per line, its fields cut from the bits
        product = PRODUCTS[r & 15]
        bodies.append(
            f'"sku": "{product[:3].upper()}-{(r >> 4) % 10_000:04d}", '
            f'"name": "{COLOURS[(r >> 18) & 7]} {product}", "quantity": {(r >> 21) % 12 + 1}, '
            f'"unit_price_cents": {(r >> 25) % 49_901 + 99}, "discount_pct": {DISCOUNTS[(r >> 41) & 7]}, '
            f'"warehouse": "{WAREHOUSES[(r >> 44) % len(WAREHOUSES)]}", '
            f'"tags": ["{COLOURS[(r >> 50) & 7]}", "{COLOURS[(r >> 53) & 7]}"], "note": null, '
            f'"shipping": {{"weight_g": {(r >> 4) % 5_000 + 20}, "dims_mm": [{(r >> 8) % 400 + 10}, '
            f'{(r >> 30) % 300 + 10}, {(r >> 46) % 200 + 5}], "fragile": {"true" if r >> 63 else "false"}}}}}')
    return bodies


LINE_BODIES = _line_bodies()


def _order_document(item):
    """The JSON text of order number `item`: the same text for the same item, in every process."""
    rng = random.Random(item)  # seeded per item: deterministic whatever the process or hash seed
    picks = rng.choices(LINE_BODIES, k=rng.randint(*LINES_PER_ORDER))
    lines = ",\n".join([f'  {{"line": {number}, {body}' for number, body in enumerate(picks, 1)])
    return (f'{{"order_id": "ORD-{item:08d}", "customer": {{"id": {rng.getrandbits(20)}, '
            f'"country": "{rng.choice(COUNTRIES)}"}}, "currency": "EUR", "paid": true,\n "lines": [\n{lines}\n ]\n}}\n')


def parse(item):
    """Parse, validate and total one ~30-50 KB JSON order: a dict of its totals, top warehouse, tag and SKU."""
    order = json.loads(_order_document(item))
    lines = [line for line in order["lines"]  # validated as a service would before trusting it
             if all(isinstance(line.get(key), kind) for key, kind in LINE_SCHEMA.items())
             and line["quantity"] > 0 and 0 <= line["discount_pct"] < 100]
    units = total = grams = volume_mm3 = fragile = 0
    per_warehouse, per_sku, per_tag = {}, {}, {}
    for line in lines:
        quantity, shipping = line["quantity"], line["shipping"]
        cents = quantity * line["unit_price_cents"] * (100 - line["discount_pct"]) // 100
        units += quantity
        total += cents
        per_warehouse[line["warehouse"]] = per_warehouse.get(line["warehouse"], 0) + cents
        per_sku[line["sku"]] = per_sku.get(line["sku"], 0) + cents
        for tag in line["tags"]:
            per_tag[tag] = per_tag.get(tag, 0) + quantity
        length, width, height = shipping["dims_mm"]
        grams += quantity * shipping["weight_g"]
        volume_mm3 += quantity * length * width * height
        fragile += shipping["fragile"]

    def top(counts):  # ties broken by name, so every process picks the same
        return min(counts, key=lambda name: (-counts[name], name)) if counts else None

    return {"order": order["order_id"], "lines": len(lines), "units": units, "total_cents": total, "grams": grams,
            "litres": volume_mm3 // 1_000_000, "fragile": fragile, "top_warehouse": top(per_warehouse),
            "top_tag": top(per_tag), "top_sku": top(per_sku)}

if __name__ == "__main__":
    import time

    sizes = [len(_order_document(item)) for item in range(5)]
    started = time.perf_counter()
    results = [parse(item) for item in range(200)]
    elapsed = time.perf_counter() - started
    print(f"documents of {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB; first results:")
    for result in results[:3]:
        print("  ", result)
    print(f"{len(results)} orders in {elapsed:.2f} s: {elapsed / len(results) * 1e3:.2f} ms per item")
