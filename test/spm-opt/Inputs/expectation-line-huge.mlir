// expected-error@+99999999999999999999 {{x}}
func.func @f() { return }
