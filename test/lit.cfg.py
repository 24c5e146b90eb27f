# lit configuration of spm. Everything that varies (paths, substitutions,
# features) lives in the generated spm-lit.cfg, which the Python-free runner
# (python-free/) reads too, so both runners execute the same RUN lines the
# same way: bash with pipefail (lit's external shell).
import os

import lit.formats

config.test_format = lit.formats.ShTest(execute_external=True)
paths = []
for raw in open(config.spm_lit_cfg):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    key, _, value = line.partition(" ")
    if key == "name":
        config.name = value
    elif key == "root":
        config.test_source_root = value
    elif key == "output":
        config.test_exec_root = value
    elif key == "suffixes":
        config.suffixes = value.split()
    elif key == "exclude":
        config.excludes = list(getattr(config, "excludes", [])) + [value]
    elif key == "path":
        paths.append(value)
    elif key == "subst":
        name, _, val = value.partition(" ")
        config.substitutions.append((name, val))
    elif key == "feature":
        config.available_features.add(value)
    elif key == "env":
        k, _, v = value.partition("=")
        config.environment[k] = v
    else:
        lit_config.fatal("unknown directive in %s: %s" % (config.spm_lit_cfg, line))
# Longest substitution names first, as spm-lit does.
config.substitutions.sort(key=lambda kv: -len(kv[0]))
config.environment["PATH"] = os.pathsep.join(paths + [config.environment.get("PATH", os.environ.get("PATH", ""))])
