package io.asyncqueue.spring.autoconfigure;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.listener.AsyncQueueMessageBeanPostProcessor;
import io.asyncqueue.spring.listener.QueueListenerAnnotationBeanPostProcessor;
import io.asyncqueue.spring.listener.QueueListenerRegistrar;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * The jobs declared on bean methods: the post-processors that find
 * {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} and
 * {@link io.asyncqueue.spring.listener.AsyncQueueMessage @AsyncQueueMessage} methods as beans are created,
 * and the registrar they fill. Static bean methods, so that the post-processors exist before other beans.
 */
@Configuration(proxyBeanMethods = false)
class AsyncQueueListenerConfiguration {

	static final String REGISTRAR_BEAN_NAME = "asyncQueueListenerRegistrar";

	@Bean(name = REGISTRAR_BEAN_NAME)
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static QueueListenerRegistrar asyncQueueListenerRegistrar() {
		return new QueueListenerRegistrar();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static QueueListenerAnnotationBeanPostProcessor asyncQueueListenerAnnotationBeanPostProcessor(
			QueueListenerRegistrar registrar, Environment environment) {
		return new QueueListenerAnnotationBeanPostProcessor(registrar, environment::resolveRequiredPlaceholders);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AsyncQueueMessageBeanPostProcessor asyncQueueMessageBeanPostProcessor(QueueListenerRegistrar registrar,
			Environment environment, ObjectProvider<QueueTemplate> queueTemplate,
			ObjectProvider<JobSerializer> serializer) {
		return new AsyncQueueMessageBeanPostProcessor(registrar, environment::resolveRequiredPlaceholders,
				queueTemplate::getObject, serializer::getObject);
	}

}
