func.func @dyn(%a: memref<?xf32>) {
  return
}
// -----
func.func @f64(%a: memref<4xf64>) {
  return
}
// -----
func.func @res(%a: memref<4xf32>) -> f32 {
  %z = arith.constant 0.0 : f32
  return %z : f32
}
// -----
func.func @one(%a: memref<4xf32>) {
  return
}
func.func @two(%a: memref<4xf32>) {
  return
}
