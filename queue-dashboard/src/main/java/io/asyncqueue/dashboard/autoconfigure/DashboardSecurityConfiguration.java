package io.asyncqueue.dashboard.autoconfigure;

import io.asyncqueue.dashboard.DashboardSettings;
import io.asyncqueue.spring.AsyncQueueConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * With Spring Security, the dashboard's path has a filter chain of its own: every page, the JSON endpoint and
 * every action need a signed-in user with the configured role (a form sign-in at {@code <path>/login}, or
 * HTTP Basic for scripts), and every POST a CSRF token. Only the dashboard's path is matched, so the rest of
 * the application keeps whatever security it has.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class })
class DashboardSecurityConfiguration {

	static final String FILTER_CHAIN_BEAN_NAME = "asyncQueueDashboardSecurityFilterChain";

	@Bean(FILTER_CHAIN_BEAN_NAME)
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	@ConditionalOnMissingBean(name = FILTER_CHAIN_BEAN_NAME)
	SecurityFilterChain asyncQueueDashboardSecurityFilterChain(ObjectProvider<HttpSecurity> httpSecurity,
			AsyncQueueDashboardProperties properties, DashboardSettings settings) throws Exception {
		HttpSecurity http = httpSecurity.getIfAvailable();
		if (http == null) {
			throw new AsyncQueueConfigurationException("async-queue.dashboard.enabled",
					"Spring Security is on the classpath but web security is not enabled, so the dashboard cannot be "
							+ "secured",
					"Let Spring Boot's security auto-configuration run, or add @EnableWebSecurity, or remove "
							+ "Spring Security and follow the dashboard's README for an unsecured dashboard");
		}
		String path = settings.path();
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		http.securityMatcher(new OrRequestMatcher(paths.matcher(path), paths.matcher(path + "/**")))
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(paths.matcher(path + "/login"), paths.matcher(path + "/assets/**"))
				.permitAll()
				.anyRequest()
				.hasRole(properties.getRole()))
			.formLogin((form) -> form.loginPage(path + "/login")
				.loginProcessingUrl(path + "/login")
				.defaultSuccessUrl(path, false)
				.failureUrl(path + "/login?error"))
			.httpBasic(Customizer.withDefaults())
			.logout((logout) -> logout.logoutRequestMatcher(paths.matcher(HttpMethod.POST, path + "/logout"))
				.logoutSuccessUrl(path + "/login"))
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
						paths.matcher(path + "/api/**"))
				// answered here rather than through the error page, which the application's own security may
				// guard differently (a refused CSRF token must read as 403, not as a request to sign in)
				.accessDeniedHandler((request, response, denied) -> {
					response.setStatus(HttpStatus.FORBIDDEN.value());
					response.setContentType("text/plain;charset=UTF-8");
					response.getWriter().write("Forbidden: " + denied.getMessage());
				}));
		return http.build();
	}

}
