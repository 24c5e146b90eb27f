func.func @f() {
// expected-error {{this is never emitted}}
  return
  bogus
}
