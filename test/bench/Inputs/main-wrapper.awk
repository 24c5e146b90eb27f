# Reads the output of `spm-bench-gen net ...` and prints a @main that
# allocates every argument of the network function, fills the input with X
# (-v x=..., default 1), the weights with W (-v w=..., default 1), the
# biases (arguments named %*_b) and the output with 0, calls the network and
# prints %output with printMemrefF32 / printMemrefI32. Used only by the tests
# (mlir-runner); not part of the generator output.
/^func\.func @/ {
  s = $0
  fn = s; sub(/^func\.func @/, "", fn); sub(/\(.*/, "", fn)
  sub(/^func\.func @[A-Za-z0-9_]+\(/, "", s); sub(/\) \{$/, "", s)
  n = split(s, arg, ", ")
  if (w == "") w = 1
  if (x == "") x = 1
  print "func.func private @printMemrefF32(memref<*xf32>)"
  print "func.func private @printMemrefI32(memref<*xi32>)"
  print "func.func @main() {"
  call = ""; types = ""
  for (i = 1; i <= n; ++i) {
    name = arg[i]; sub(/:.*/, "", name); sub(/^%/, "", name)
    ty = arg[i]; sub(/^[^:]*: /, "", ty)
    et = ty; sub(/^.*x/, "", et); sub(/>$/, "", et)
    if (name == "input") v = x
    else if (name ~ /_b$/) v = 0
    else v = w
    if (name == "output") v = 0
    if (et == "f32" && v !~ /[.e]/) v = v ".0"
    printf "  %%v%d = arith.constant %s : %s\n", i, v, et
    printf "  %%m%d = memref.alloc() : %s\n", i, ty
    printf "  linalg.fill ins(%%v%d : %s) outs(%%m%d : %s)\n", i, et, i, ty
    call = call (i > 1 ? ", " : "") "%m" i
    types = types (i > 1 ? ", " : "") ty
    out = i; oty = ty; oet = et
  }
  printf "  call @%s(%s) : (%s) -> ()\n", fn, call, types
  printf "  %%u = memref.cast %%m%d : %s to memref<*x%s>\n", out, oty, oet
  printf "  call @printMemref%s(%%u) : (memref<*x%s>) -> ()\n", toupper(substr(oet, 1, 1)) substr(oet, 2), oet
  print "  return"
  print "}"
}
