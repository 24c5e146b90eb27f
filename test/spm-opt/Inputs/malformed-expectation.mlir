// expected-error@x {{what}}
func.func @f() { return }
