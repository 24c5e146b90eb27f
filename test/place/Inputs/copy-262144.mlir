// A 262144x262144 f32 copy through an intermediate (256 GiB each), as two
// linalg.generic ops (input of test/place/max-tiles.mlir).
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @f(%in: memref<262144x262144xf32>, %out: memref<262144x262144xf32>) {
  %a = memref.alloc() : memref<262144x262144xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<262144x262144xf32>) outs(%a : memref<262144x262144xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<262144x262144xf32>) outs(%out : memref<262144x262144xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}
