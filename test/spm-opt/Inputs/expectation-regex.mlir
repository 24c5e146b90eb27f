// expected-error-re {{never}}
func.func @f() { return }
