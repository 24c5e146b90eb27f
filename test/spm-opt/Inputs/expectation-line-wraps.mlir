// expected-error@+4294967296 {{needs at least one token}}
"spm.wait"() : () -> () // expected-error@4294967298 {{needs at least one token}}
