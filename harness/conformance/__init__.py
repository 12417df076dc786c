"""What the conformance suites use: API objects through the shim, and expectations that name the spec."""
