package io.asyncqueue.dashboard;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP client of the dashboard that follows no redirects, keeping a session cookie as a browser does.
 */
final class DashboardHttp {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	private final int port;

	DashboardHttp(int port) {
		this.port = port;
	}

	HttpResponse<String> get(String path, String authorization, String accept) throws IOException, InterruptedException {
		HttpRequest.Builder request = request(path).header("Accept", accept);
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> post(String path, String authorization, String form) throws IOException, InterruptedException {
		return this.http.send(request(path).header("Authorization", authorization)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The CSRF token of this client's session, read from a page as a browser would. */
	String csrfToken(String authorization) throws IOException, InterruptedException {
		Matcher token = CSRF.matcher(get("/async-queue", authorization, "text/html").body());
		if (!token.find()) {
			throw new IllegalStateException("The dashboard's page has no CSRF token");
		}
		return "_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
