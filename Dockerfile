# dyspec service image: build with Maven, run on a JRE 17 as a non-root user.
#   docker build -t dyspec:0.1.0 .
#   docker run -p 8080:8080 dyspec:0.1.0                       # the shipped default pair
#   docker run -p 8080:8080 -v /srv/models:/models:ro \
#     -e DYSPEC_MODELS_TARGET=/models/target -e DYSPEC_MODELS_DRAFT=/models/draft dyspec:0.1.0

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl dyspec-app -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 dyspec && useradd --system --uid 10001 --gid dyspec --home-dir /app dyspec
WORKDIR /app
COPY --from=build /src/dyspec-app/target/dyspec.jar /app/dyspec.jar
# The shipped default model pair (models/dyspec-target, models/dyspec-draft) when the checkout has it.
COPY models/ /app/models/
# DJL unpacks its PyTorch natives on first start; keep them in a writable place inside the container.
ENV DJL_CACHE_DIR=/tmp/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
# The Java forward kernel needs the JDK's vector API module; where a runtime lacks it the service starts
# anyway and its forward falls back to DJL's PyTorch engine (backend auto).
ENTRYPOINT ["sh", "-c", "exec java $(java --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector@' && echo --add-modules jdk.incubator.vector) -Ddyspec.home=/app -Dai.djl.offline=true -jar /app/dyspec.jar serve \"$@\"", "dyspec"]
