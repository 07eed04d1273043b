"""The worked examples of SCORING.md §5, shared by the engine, UDF and Lite tests."""

# (a, T, F, S, direction, method, param, expected score), transcribed from SCORING.md §5
WORKED_EXAMPLES = [
    (80, 100, None, None, "higher", "linear", None, 80),
    (130, 100, None, None, "higher", "linear", None, 120),
    (50, 100, 60, None, "higher", "linear", None, 0),
    (110, 100, None, 120, "higher", "linear", None, 110),
    (36, 24, None, None, "lower", "linear", None, 50),
    (92, 100, None, None, "higher", "band", None, 80),
    (3, 0, None, None, "higher", "deduction", 10, 70),
    (99.99, 100, None, None, "higher", "binary", None, 0),
]
