package io.asyncqueue.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security is here for the dashboard, which guards its own path with a filter chain of its own; the
 * shop's endpoints and the actuator stay as open as they were without it (a demo, not a deployment).
 */
@Configuration(proxyBeanMethods = false)
class SampleSecurity {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	SecurityFilterChain shopSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			// the shop's API takes no cookies: CSRF cannot ride on a session it does not have
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

}
