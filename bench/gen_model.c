// spm-bench-gen: writes benchmark functions as MLIR (linalg on memrefs).
//
//   spm-bench-gen cnn LAYERS.csv   a CNN from a layer table (bench/workloads):
//                                  per conv layer a zero-padded input buffer,
//                                  linalg.conv_2d_nchw_fchw, and a relu
//                                  linalg.generic writing the next layer's
//                                  input through a subview of its interior;
//                                  layers chain when shapes match, otherwise
//                                  the layer reads a function argument; fc
//                                  layers are linalg.matmul.
//   spm-bench-gen chain N          N element-wise linalg.generic ops, each
//                                  reading the previous op's buffer.
//   spm-bench-gen net resnet18|vgg16 [--dtype f32|i8] [--scale N]
//                                  the whole published network (batch 1,
//                                  NCHW) as one function of linalg ops on
//                                  memrefs; see gen_net.c for exactly what
//                                  is generated and what --scale does.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gen_net(int argc, char **argv); // gen_net.c

typedef struct {
  char name[64], kind[16];
  long cin, cout, hin, win, k, stride, pad, hout, wout;
} layer_t;

static int read_layers(const char *path, layer_t **out) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "spm-bench-gen: cannot open '%s'\n", path);
    return -1;
  }
  char line[1024];
  int n = 0, cap = 0;
  layer_t *v = NULL;
  if (!fgets(line, sizeof line, f)) {
    fclose(f);
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    layer_t l;
    if (sscanf(line, "%63[^,],%15[^,],%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld",
               l.name, l.kind, &l.cin, &l.cout, &l.hin, &l.win, &l.k,
               &l.stride, &l.pad, &l.hout, &l.wout) != 11)
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      v = realloc(v, (size_t)cap * sizeof *v);
      if (!v)
        abort();
    }
    v[n++] = l;
  }
  fclose(f);
  *out = v;
  return n;
}

static int gen_cnn(const char *csv) {
  layer_t *L;
  int n = read_layers(csv, &L);
  if (n <= 0)
    return 1;
  printf("#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>\n");
  printf("func.func @cnn(");
  for (int i = 0; i < n; ++i) {
    if (strcmp(L[i].kind, "fc") == 0)
      printf("%s%%w%d: memref<%ldx%ldxf32>, %%x%d: memref<1x%ldxf32>", i ? ", " : "", i,
             L[i].cin, L[i].cout, i, L[i].cin);
    else
      printf("%s%%w%d: memref<%ldx%ldx%ldx%ldxf32>, %%x%d: memref<1x%ldx%ldx%ldxf32>",
             i ? ", " : "", i, L[i].cout, L[i].cin, L[i].k, L[i].k, i, L[i].cin,
             L[i].hin, L[i].win);
  }
  printf(", %%out: memref<1x%ldxf32>) {\n", L[n - 1].cout);
  printf("  %%zero = arith.constant 0.0 : f32\n");
  int prev_conv = -1; // layer whose relu output can feed the next layer
  for (int i = 0; i < n; ++i) {
    layer_t *l = &L[i];
    if (strcmp(l->kind, "fc") == 0) {
      // fc layers chain through their own output buffers; the last one
      // writes %out
      char in[32], out[32];
      if (i > 0 && strcmp(L[i - 1].kind, "fc") == 0 && L[i - 1].cout == l->cin)
        snprintf(in, sizeof in, "%%fc%d", i - 1);
      else
        snprintf(in, sizeof in, "%%x%d", i);
      if (i == n - 1)
        snprintf(out, sizeof out, "%%out");
      else {
        snprintf(out, sizeof out, "%%fc%d", i);
        printf("  %s = memref.alloc() : memref<1x%ldxf32>\n", out, l->cout);
      }
      printf("  linalg.fill ins(%%zero : f32) outs(%s : memref<1x%ldxf32>)\n", out,
             l->cout);
      printf("  linalg.matmul ins(%s, %%w%d : memref<1x%ldxf32>, memref<%ldx%ldxf32>) "
             "outs(%s : memref<1x%ldxf32>)\n", in, i, l->cin, l->cin, l->cout, out,
             l->cout);
      continue;
    }
    long hp = l->hin + 2 * l->pad, wp = l->win + 2 * l->pad;
    // this layer's padded input: written by the previous layer when shapes
    // chain, else copied from the argument
    printf("  %%in%d = memref.alloc() : memref<1x%ldx%ldx%ldxf32>\n", i, l->cin, hp, wp);
    printf("  linalg.fill ins(%%zero : f32) outs(%%in%d : memref<1x%ldx%ldx%ldxf32>)\n", i,
           l->cin, hp, wp);
    printf("  %%inner%d = memref.subview %%in%d[0, 0, %ld, %ld] [1, %ld, %ld, %ld] [1, 1, 1, 1] : "
           "memref<1x%ldx%ldx%ldxf32> to memref<1x%ldx%ldx%ldxf32, strided<[%ld, %ld, %ld, 1], offset: %ld>>\n",
           i, i, l->pad, l->pad, l->cin, l->hin, l->win, l->cin, hp, wp, l->cin, l->hin,
           l->win, l->cin * hp * wp, hp * wp, wp, l->pad * wp + l->pad);
    bool chained = prev_conv >= 0 && L[prev_conv].cout == l->cin &&
                   L[prev_conv].hout == l->hin && L[prev_conv].wout == l->win;
    const char *src = chained ? "acc" : "x";
    int si = chained ? prev_conv : i;
    printf("  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = "
           "[\"parallel\", \"parallel\", \"parallel\", \"parallel\"]} "
           "ins(%%%s%d : memref<1x%ldx%ldx%ldxf32>) outs(%%inner%d : memref<1x%ldx%ldx%ldxf32, "
           "strided<[%ld, %ld, %ld, 1], offset: %ld>>) {\n",
           src, si, l->cin, l->hin, l->win, i, l->cin, l->hin, l->win, l->cin * hp * wp,
           hp * wp, wp, l->pad * wp + l->pad);
    printf("  ^bb0(%%a: f32, %%b: f32):\n    %%r = arith.maximumf %%a, %%zero : f32\n"
           "    linalg.yield %%r : f32\n  }\n");
    printf("  %%acc%d = memref.alloc() : memref<1x%ldx%ldx%ldxf32>\n", i, l->cout, l->hout,
           l->wout);
    printf("  linalg.fill ins(%%zero : f32) outs(%%acc%d : memref<1x%ldx%ldx%ldxf32>)\n", i,
           l->cout, l->hout, l->wout);
    printf("  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = "
           "dense<%ld> : tensor<2xi64>} ins(%%in%d, %%w%d : memref<1x%ldx%ldx%ldxf32>, "
           "memref<%ldx%ldx%ldx%ldxf32>) outs(%%acc%d : memref<1x%ldx%ldx%ldxf32>)\n",
           l->stride, i, i, l->cin, hp, wp, l->cout, l->cin, l->k, l->k, i, l->cout,
           l->hout, l->wout);
    prev_conv = i;
  }
  printf("  return\n}\n");
  free(L);
  return 0;
}

static int gen_chain(long n) {
  printf("#id = affine_map<(d0, d1) -> (d0, d1)>\n");
  printf("func.func @chain(%%in: memref<64x64xf32>, %%out: memref<64x64xf32>) {\n");
  printf("  %%one = arith.constant 1.0 : f32\n");
  for (long i = 0; i < n; ++i) {
    char src[32], dst[32];
    if (i == 0)
      snprintf(src, sizeof src, "%%in");
    else
      snprintf(src, sizeof src, "%%b%ld", i - 1);
    if (i + 1 == n)
      snprintf(dst, sizeof dst, "%%out");
    else {
      snprintf(dst, sizeof dst, "%%b%ld", i);
      printf("  %s = memref.alloc() : memref<64x64xf32>\n", dst);
    }
    printf("  linalg.generic {indexing_maps = [#id, #id], iterator_types = "
           "[\"parallel\", \"parallel\"]} ins(%s : memref<64x64xf32>) "
           "outs(%s : memref<64x64xf32>) {\n", src, dst);
    printf("  ^bb0(%%a: f32, %%o: f32):\n    %%r = arith.addf %%a, %%one : f32\n"
           "    linalg.yield %%r : f32\n  }\n");
  }
  printf("  return\n}\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "net") == 0)
    return gen_net(argc - 2, argv + 2);
  if (argc == 3 && strcmp(argv[1], "cnn") == 0)
    return gen_cnn(argv[2]);
  if (argc == 3 && strcmp(argv[1], "chain") == 0)
    return gen_chain(atol(argv[2]));
  fprintf(stderr, "usage: spm-bench-gen cnn LAYERS.csv | chain N |\n"
                  "       net resnet18|vgg16 [--dtype f32|i8] [--scale N]\n");
  return 2;
}
