docker run -d \
  -e OCEAN__PORT__CLIENT_ID="<PORT_CLIENT_ID>" \
  -e OCEAN__PORT__CLIENT_SECRET="<PORT_CLIENT_SECRET>" \
  -e OCEAN__INTEGRATION__IDENTIFIER=zendesk-integration \
  -e OCEAN__INTEGRATION__TYPE=http-server \
  -e OCEAN__INTEGRATION__CONFIG__BASE_URL=https://yourcompany.zendesk.com \
  -e OCEAN__INTEGRATION__CONFIG__AUTH_TYPE=basic \
  -e OCEAN__INTEGRATION__CONFIG__USERNAME=your-email@domain.com/token \
  -e OCEAN__INTEGRATION__CONFIG__PASSWORD=your_zendesk_api_token \
  -e OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE=cursor \
  -e OCEAN__INTEGRATION__CONFIG__PAGE_SIZE=100 \
  -e 'OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM=page[after]' \
  -e 'OCEAN__INTEGRATION__CONFIG__SIZE_PARAM=page[size]' \
  -e OCEAN__INTEGRATION__CONFIG__CURSOR_PATH=meta.after_cursor \
  -e OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH=meta.has_more \
  port-labs/port-ocean-http-server:latest
