"""What a run leaves behind: per-test verdicts, the conformance matrix, the summary, the Allure report."""
