package io.asyncqueue.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One run of the command line against a server, as a test sees it: exit status, output and errors. */
record CliRun(int status, String out, String err) {

	static CliRun of(String redisUri, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		List<String> all = new ArrayList<>(List.of("--redis", redisUri));
		all.addAll(List.of(args));
		int status = QueueCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
		return new CliRun(status, out.toString(), err.toString());
	}

}
