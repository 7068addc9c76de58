"""forklab's reader of a learner's code, run by the learner's own Python.

Reads the source on standard input, parses it with Python's own `ast`
(never runs it) and prints one JSON object on one line:
  {"calls": {NAME: [LINE, ...]}, "constructs": {KIND: [LINE, ...]}}
or {"syntax": {"line": N, "msg": "..."}} when it does not parse, or
{"error": "..."} when the reader itself could not finish. Bounded: at most
MAX_NAMES called names and MAX_LINES lines per name or kind.
"""
import ast
import json
import sys

MAX_NAMES = 500
MAX_LINES = 3

KINDS = {
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def",
    ast.Lambda: "lambda",
    ast.ClassDef: "class",
    ast.For: "for",
    ast.AsyncFor: "for",
    ast.While: "while",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
}


def note(table, key, line):
    if key not in table and len(table) >= MAX_NAMES:
        return
    lines = table.setdefault(key, [])     # the first lines in the file
    if line not in lines:
        lines.append(line)
        lines.sort()
        del lines[MAX_LINES:]


def called_name(func):
    """`map` for map(...), `Pool` for multiprocessing.Pool(...)."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def read(tree):
    # `from functools import reduce as fold`: fold(...) calls reduce.
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name.rsplit(".", 1)[-1]
    calls, constructs = {}, {}
    for node in ast.walk(tree):
        kind = KINDS.get(type(node))
        if kind:
            note(constructs, kind, node.lineno)
        if isinstance(node, ast.Call):
            name = called_name(node.func)
            if name:
                note(calls, name, node.lineno)
                if name in aliases:
                    note(calls, aliases[name], node.lineno)
    return {"calls": calls, "constructs": constructs}


def main():
    source = sys.stdin.buffer.read()
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        answer = {"syntax": {"line": err.lineno or 0, "msg": str(err.msg)[:200]}}
    except Exception as err:  # ValueError (null bytes), RecursionError...
        answer = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
    else:
        try:
            answer = read(tree)
        except Exception as err:
            answer = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
    sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
