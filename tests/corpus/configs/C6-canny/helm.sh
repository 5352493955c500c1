helm upgrade --install canny-integration port-labs/port-ocean \
  --set port.clientId="<PORT_CLIENT_ID>" \
  --set port.clientSecret="<PORT_CLIENT_SECRET>" \
  --set initializePortResources=true \
  --set sendRawDataExamples=true \
  --set integration.identifier=canny-integration \
  --set integration.type=custom \
  --set integration.version=0.1.0-dev \
  --set 'integration.config.baseUrl=https://canny.io/api/v1?apiKey=YOUR_CANNY_API_KEY' \
  --set integration.config.authType=none
