func.func @f() {
  %0 = "spm.alloc"() {offset = 0 : i64} : () -> !spm.buf<array<i64: 200, 256>, f32>
  "spm.dealloc"(%0) : (!spm.buf<array<i64: 200, 256>, f32>) -> ()
  return
}
