# forklab asks the learner's Python what it needs to know, one fact a
# line (src/python/interpreter/probe.rs reads it). Written for Python 2
# too, so that an old interpreter is reported as old, not as broken.
import sys, platform
sys.stdout.write(platform.python_version() + "\n")
sys.stdout.write("%d %d %d\n" % tuple(sys.version_info[:3]))
try:
    import multiprocessing as m
    sys.stdout.write(str(m.get_start_method()) + "\n")
    sys.stdout.write(",".join(m.get_all_start_methods()) + "\n")
except Exception as e:
    sys.stdout.write("!" + repr(e) + "\n")
# The GIL: a free-threaded build (3.13+, PEP 703) says Py_GIL_DISABLED 1;
# whether its GIL is off right now (PYTHON_GIL=1, -X gil=1 or an extension
# that needs it turn it back on) only sys._is_gil_enabled() knows (3.13+;
# before it, always on).
try:
    import sysconfig
    free = sysconfig.get_config_var("Py_GIL_DISABLED")
except Exception:
    free = None
enabled = getattr(sys, "_is_gil_enabled", None)
sys.stdout.write("gil %d %d\n" % (1 if free else 0, 1 if enabled is None or enabled() else 0))
sys.stdout.write("executable " + (sys.executable or "") + "\n")
