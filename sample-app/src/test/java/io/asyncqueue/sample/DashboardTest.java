package io.asyncqueue.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample serves the dashboard to its demo user only, while the shop stays open.
 */
@FlashSaleApplicationTest
class DashboardTest {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void theDashboardShowsTheSamplesQueuesToTheDemoUserOnly() throws Exception {
		assertThat(get("/async-queue", null, "text/html").statusCode()).isEqualTo(302);
		HttpResponse<String> page = get("/async-queue", "demo:demo", "text/html");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("orders", "limit-queue", "read-write");
	}

	@Test
	void theShopStaysOpen() throws Exception {
		assertThat(get("/actuator/health", null, "application/json").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String path, String credentials, String accept) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Accept", accept);
		if (credentials != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

}
