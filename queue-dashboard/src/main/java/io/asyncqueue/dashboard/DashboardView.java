package io.asyncqueue.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Renders the dashboard's pages with a Thymeleaf engine of its own (so that the application's view setup is
 * neither needed nor touched), escaping every value it prints, and serves them with a Content Security
 * Policy that runs only the dashboard's own scripts: an injected {@code <script>} would not run even if
 * escaping were ever missed.
 */
final class DashboardView {

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
			+ "frame-ancestors 'none'; form-action 'self'";

	private final SpringTemplateEngine engine = new SpringTemplateEngine();

	DashboardView() {
		ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(DashboardView.class.getClassLoader());
		resolver.setPrefix("io/asyncqueue/dashboard/templates/");
		resolver.setSuffix(".html");
		resolver.setTemplateMode(TemplateMode.HTML);
		resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
		resolver.setCacheable(true);
		this.engine.setTemplateResolver(resolver);
	}

	ResponseEntity<String> page(String template, Map<String, Object> model) {
		String html = this.engine.process(template, new Context(Locale.ENGLISH, model));
		return ResponseEntity.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(html);
	}

}
